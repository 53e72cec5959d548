// The Query page: DuckDB-WASM on this site's CSV files. setup.json (written by scripts/site/console.py from the
// same SQL as the DuckDB file) says which files to fetch and which statements make the tables and views.
// Every value reaches the page as text (textContent), never as markup.

const here = new URL(".", import.meta.url);
const $ = (id) => document.getElementById(id);
const box = $("query-sql"), runButton = $("query-run"), status = $("query-status"), progress = $("query-progress");
const result = $("query-result"), link = $("query-link");
let conn = null, cap = 1000, busy = false, again = false, runs = 0;

function say(text) { status.textContent = text; }

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = url;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(s);
  });
}

async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.text();
}

function sqlFromHash() {
  const hash = location.hash.slice(1);
  if (!hash.startsWith("sql=")) return null;
  const text = hash.slice(4);
  try { return decodeURIComponent(text); } catch { return text; }
}

function hashOf(sql) { return "#sql=" + encodeURIComponent(sql); }

async function start() {
  const started = performance.now();
  progress.value = 0;
  say("Loading DuckDB…");
  const setupPromise = fetchText(new URL("setup.json", here)).then(JSON.parse);
  await loadScript(new URL("arrow.js", here).href);           // defines globalThis.Arrow for the module below
  const duckdb = await import(new URL("duckdb-browser.js", here).href);
  const features = await duckdb.getPlatformFeatures();
  if (!features.wasmExceptions) {
    throw new Error("this browser lacks WebAssembly exception handling (Chrome 95, Firefox 100, Safari 15.2 " +
                    "and later have it), which the DuckDB build served here needs");
  }
  const setup = await setupPromise;
  cap = setup.cap;
  const files = Object.entries(setup.files).map(([name, url]) =>
    fetchText(new URL(url, here)).then((text) => [name, text]));
  const worker = new Worker(new URL("duckdb-browser-eh.worker.js", here));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("duckdb-eh.wasm", here).href, null, (p) => {
    if (p.bytesTotal > 0) {
      progress.max = p.bytesTotal;
      progress.value = p.bytesLoaded;
      say(`Loading DuckDB: ${(p.bytesLoaded / 1e6).toFixed(1)} of ${(p.bytesTotal / 1e6).toFixed(1)} MB`);
    }
  });
  performance.mark("console:instantiated");                    // marks for measuring the page's load time
  say("Starting DuckDB…");
  await db.open({});
  conn = await db.connect();
  performance.mark("console:opened");
  for (const sql of setup.before) await conn.query(sql);
  for (const [name, text] of await Promise.all(files)) await db.registerFileText(name, text);
  performance.mark("console:files");
  const steps = setup.steps;
  progress.max = steps.length;
  for (const [i, step] of steps.entries()) {
    say(`Making the database: ${step.label} (${i + 1} of ${steps.length})`);
    progress.value = i;
    try {
      await conn.query(step.sql.join(";\n"));                // one round trip to the worker per step
    } catch (e) {
      throw new Error(`setting up ${step.label} failed: ${e.message}`);
    }
    performance.mark(`console:${step.label}`);
  }
  for (const sql of setup.after) await conn.query(sql);
  performance.mark("console:ready");
  progress.hidden = true;
  const rows = Object.values(setup.rows).reduce((a, b) => a + b, 0);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  say(`Ready: ${Object.keys(setup.rows).length} tables (${rows.toLocaleString("en")} rows) loaded in ${seconds} s.`);
  runButton.disabled = false;
  const asked = sqlFromHash();
  if (asked !== null) { box.value = asked; await run(); }
}

// DuckDB writes each value as text itself (dates, lists, decimals as `make query` shows them) when the SQL is
// one query; anything else (PRAGMA, several statements) runs as typed and is shown with JavaScript's text.
function asText(sql) {
  const body = sql.trim().replace(/;\s*$/, "");
  return `SELECT COLUMNS(*)::VARCHAR FROM (\n${body}\n) LIMIT ${cap + 1}`;
}

function text(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && typeof value.toJSON === "function") return JSON.stringify(value.toJSON(), jsonValue);
  if (typeof value === "object") return JSON.stringify(value, jsonValue);
  return String(value);
}

function jsonValue(_key, value) { return typeof value === "bigint" ? value.toString() : value; }

function csvCell(value) {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function show(table, total, ms) {
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((_, i) => table.getChildAt(i));
  const shown = Math.min(table.numRows, cap);
  const rows = [];
  for (let r = 0; r < shown; r++) rows.push(columns.map((c) => text(c.get(r))));
  const doc = document.createElement("table");
  doc.className = "result";
  const head = doc.createTHead().insertRow();
  for (const name of names) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const body = doc.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const value of row) tr.insertCell().textContent = value;
  }
  const csv = [names, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
  const download = document.createElement("a");
  download.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  download.download = "query-result.csv";
  download.textContent = "Download as CSV";
  const count = document.createElement("p");
  count.className = "query-count";
  const more = total > cap ? `; the first ${cap.toLocaleString("en")} are shown, and the CSV holds those` : "";
  count.textContent = `${total.toLocaleString("en")} row${total === 1 ? "" : "s"}${more} (${ms} ms). `;
  count.appendChild(download);
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.appendChild(doc);
  result.replaceChildren(count, wrap);
}

function showError(message) {
  const p = document.createElement("pre");
  p.className = "query-error";
  p.textContent = message;
  result.replaceChildren(p);
}

async function run() {
  if (!conn) return;
  if (busy) { again = true; return; }                          // the box changed while a query ran: run it next
  const sql = box.value;
  busy = true;
  runButton.disabled = true;
  if (location.hash !== hashOf(sql)) history.replaceState(null, "", hashOf(sql));
  link.href = hashOf(sql);
  say("Running…");
  const started = performance.now();
  try {
    let table, total;
    try {
      table = await conn.query(asText(sql));
      total = table.numRows;
      if (total > cap) {
        const counted = await conn.query(`SELECT count(*) FROM (\n${sql.trim().replace(/;\s*$/, "")}\n)`);
        total = Number(counted.getChildAt(0).get(0));
      }
    } catch {
      table = await conn.query(sql);                           // not one query: run it as written
      total = table.numRows;
    }
    show(table, total, Math.round(performance.now() - started));
    if (runs === 0) performance.mark("console:first-result");
    say("Done.");
  } catch (e) {
    showError(e.message || String(e));
    say("The query failed: DuckDB's message is below.");
  } finally {
    busy = false;
    runButton.disabled = false;
    result.dataset.runs = String(++runs);                      // for tests: one more query has finished
  }
  if (again) { again = false; await run(); }
}

runButton.addEventListener("click", run);
box.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
});
box.addEventListener("input", () => { link.href = hashOf(box.value); });
window.addEventListener("hashchange", () => {
  const asked = sqlFromHash();
  if (asked !== null && asked !== box.value) { box.value = asked; run(); }
});
const initial = sqlFromHash();
if (initial !== null) box.value = initial;
link.href = hashOf(box.value);
start().catch((e) => {
  progress.hidden = true;
  say("DuckDB could not start.");
  showError(e.message || String(e));
});
