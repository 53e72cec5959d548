// The Query page: DuckDB-WASM on the database file of this site's downloads, opened read-only.
// Nothing is fetched until the reader runs a query. The rules (scripts/site/console.py writes them into the page
// as #query-config) say which statements run, how many rows and characters are shown, and for how long a query may
// run. Every value reaches the page as text (textContent), never as markup.

const here = new URL(".", import.meta.url);
const $ = (id) => document.getElementById(id);
const box = $("query-sql"), runButton = $("query-run"), cancelButton = $("query-cancel");
const status = $("query-status"), progress = $("query-progress"), result = $("query-result"), link = $("query-link");
const config = JSON.parse($("query-config").textContent);
const RUNNING = "query-console:running";     // sessionStorage: the query that was running, until it ends
let engine = null, busy = false, again = false, runs = 0, current = null;
let abandon = null;                        // rejects the running query's promise when its worker is ended

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

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

function sqlFromHash() {
  const hash = location.hash.slice(1);
  if (!hash.startsWith("sql=")) return null;
  const text = hash.slice(4);
  try { return decodeURIComponent(text); } catch { return text; }
}

function hashOf(sql) { return "#sql=" + encodeURIComponent(sql); }

// The published database, as the release stage's manifest names it. A name is one plain file name, never a path.
async function databaseFile() {
  const manifestUrl = new URL(config.manifest, location.href);
  const manifest = await (await fetchOk(manifestUrl)).json();
  const found = manifest.files.filter((f) => f.kind === "database");
  if (found.length !== 1 || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(found[0].name)) {
    throw new Error(`${manifestUrl}: expected one database file with a plain name`);
  }
  return { name: found[0].name, url: new URL(found[0].name, manifestUrl) };
}

// Load DuckDB and open the database read-only; once, unless a query had to be stopped by ending the worker.
async function start() {
  const started = performance.now();
  progress.hidden = false;
  progress.value = 0;
  say("Loading DuckDB…");
  const file = databaseFile();
  await loadScript(new URL("arrow.js", here).href);           // defines globalThis.Arrow for the module below
  const duckdb = await import(new URL("duckdb-browser.js", here).href);
  const features = await duckdb.getPlatformFeatures();
  if (!features.wasmExceptions) {
    throw new Error("this browser lacks WebAssembly exception handling (Chrome 95, Firefox 100, Safari 15.2 " +
                    "and later have it), which the DuckDB build served here needs");
  }
  const { name, url } = await file;
  const bytes = fetchOk(url).then((r) => r.arrayBuffer());
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
  say("Opening the database…");
  await db.registerFileBuffer(name, new Uint8Array(await bytes));
  await db.open({ path: name, accessMode: duckdb.DuckDBAccessMode.READ_ONLY });
  const setup = await db.connect();
  for (const sql of config.settings) await setup.query(sql);    // global settings, then locked
  await setup.close();
  performance.mark("console:ready");
  progress.hidden = true;
  say(`DuckDB opened ${name} in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return db;
}

// The statements of a text, split where the tokenizer (which knows strings and comments) finds a `;`; and the
// first word of each.
async function statements(db, sql) {
  const { offsets, types } = await db.tokenize(sql);
  const found = [];
  let first = null;
  for (let i = 0; i < offsets.length; i++) {
    const token = sql.slice(offsets[i], i + 1 < offsets.length ? offsets[i + 1] : sql.length).trim();
    if (types[i] === 3 && token.startsWith(";")) {
      if (first !== null) found.push(first);
      first = null;
    } else if (first === null) {
      first = token.split(/\s/)[0].toUpperCase();
    }
  }
  if (first !== null) found.push(first);
  return found;
}

function refusal(found) {
  if (found.length === 0) return "There is no statement to run.";
  if (found.length > 1) {
    return `This page runs one statement at a time, and the text holds ${found.length}: run them one by one.`;
  }
  if (!config.reads.includes(found[0])) {
    return `This page only reads the data: a statement starting with ${found[0]} is not run here. ` +
           `Statements may start with ${config.reads.filter((w) => w !== "(").join(", ")}.`;
  }
  return null;
}

function body(sql) { return sql.trim().replace(/;\s*$/, ""); }

// Every value as DuckDB writes it (dates, lists and decimals as `make query` shows them), cut at the cell cap.
function wrapped(sql) {
  return `SELECT left(COLUMNS(*)::VARCHAR, ${config.cellCap + 1}) FROM (\n${body(sql)}\n) LIMIT ${config.rowCap + 1}`;
}

async function rowsOf(reader) {
  const rows = [];
  let names = null;
  for await (const batch of reader) {
    names = names || batch.schema.fields.map((f) => f.name);
    const columns = names.map((_, i) => batch.getChildAt(i));
    for (let r = 0; r < batch.numRows; r++) rows.push(columns.map((c) => c.get(r)));
  }
  return { names: names || [], rows };
}

async function send(conn, sql) {
  current = conn;
  try { return await rowsOf(await conn.send(sql, true)); } finally { current = null; }
}

// A query on a connection of its own: whatever it makes (a temporary table, a setting of its own) ends with it.
async function execute(db, sql) {
  const conn = await db.connect();
  try {
    const table = await send(conn, wrapped(sql));
    let total = table.rows.length;
    if (total > config.rowCap) {
      const counted = await send(conn, `SELECT count(*) FROM (\n${body(sql)}\n)`);
      total = Number(counted.rows[0][0]);
    }
    return { ...table, total };
  } finally {
    await conn.close();
  }
}

function shown(value) {
  if (value === null || value === undefined) return { text: "", cut: false };
  const text = String(value);
  return text.length > config.cellCap ? { text: text.slice(0, config.cellCap) + "…", cut: true } : { text, cut: false };
}

// A cell a spreadsheet would run as a formula starts with a quote mark in the CSV, as the .xlsx download keeps
// such text as text.
function csvCell(value) {
  const safe = /^[=+\-@\t\r]/.test(value) ? "'" + value : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function show(table, ms) {
  const rows = table.rows.slice(0, config.rowCap).map((row) => row.map(shown));
  const cut = rows.some((row) => row.some((c) => c.cut));
  const doc = document.createElement("table");
  doc.className = "result";
  const head = doc.createTHead().insertRow();
  for (const name of table.names) {
    const th = document.createElement("th");
    th.textContent = name;
    head.appendChild(th);
  }
  const tbody = doc.createTBody();
  for (const row of rows) {
    const tr = tbody.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell.text;
  }
  const csv = [table.names, ...rows.map((row) => row.map((c) => c.text))]
    .map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
  const download = document.createElement("a");
  download.href = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  download.download = "query-result.csv";
  download.textContent = "Download as CSV";
  const count = document.createElement("p");
  count.className = "query-count";
  const total = table.total;
  const more = total > config.rowCap
    ? `; the first ${config.rowCap.toLocaleString("en")} are shown, and the CSV holds those` : "";
  const long = cut ? ` Values longer than ${config.cellCap.toLocaleString("en")} characters are cut (…).` : "";
  count.textContent = `${total.toLocaleString("en")} row${total === 1 ? "" : "s"}${more} (${ms} ms).${long} `;
  count.appendChild(download);
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  wrap.tabIndex = 0;  /* it scrolls: a keyboard reaches it */
  wrap.appendChild(doc);
  result.replaceChildren(count, wrap);
}

function showError(message) {
  const p = document.createElement("pre");
  p.className = "query-error";
  p.textContent = message;
  result.replaceChildren(p);
}

// Stop the running query: ask DuckDB to cancel it, and if the worker does not answer, end the worker (the next
// query starts DuckDB again).
async function stop(reason) {
  const conn = current;
  if (!conn) return;
  say(reason);
  const cancelled = await Promise.race([conn.cancelSent(), new Promise((r) => setTimeout(() => r(false), 2000))]);
  if (!cancelled && engine) {
    (await engine.catch(() => null))?.terminate();
    engine = null;
    abandon?.(new Error("cancelled: DuckDB was stopped"));
  }
}

async function run() {
  if (busy) { again = true; return; }                          // the box changed while a query ran: run it next
  const sql = box.value;
  busy = true;
  runButton.disabled = true;
  cancelButton.hidden = false;
  if (location.hash !== hashOf(sql)) history.replaceState(null, "", hashOf(sql));
  link.href = hashOf(sql);
  let timer = null, timedOut = false;
  try {
    engine = engine || start();
    let db;
    try {
      db = await engine;
    } catch (e) {
      engine = null;                                           // the next Run tries again
      throw new Error(`DuckDB could not start: ${e.message || e}`);
    }
    const refused = refusal(await statements(db, sql));
    if (refused) {
      showError(refused);
      say("The query was not run.");
      return;
    }
    sessionStorage.setItem(RUNNING, sql);
    say("Running…");
    timer = setTimeout(() => {
      timedOut = true;
      stop(`Stopping: the query ran for more than ${config.timeoutSeconds} seconds…`);
    }, config.timeoutSeconds * 1000);
    const started = performance.now();
    const ended = new Promise((_, reject) => { abandon = reject; });
    const table = await Promise.race([execute(db, sql), ended]);
    show(table, Math.round(performance.now() - started));
    if (runs === 0) performance.mark("console:first-result");
    say("Done.");
  } catch (e) {
    const message = e.message || String(e);
    if (timedOut) showError(`The query was stopped after ${config.timeoutSeconds} seconds.`);
    else if (/cancel/i.test(message)) showError("The query was cancelled.");
    else showError(message);
    progress.hidden = true;
    say(message.startsWith("DuckDB could not start") ? "DuckDB could not start." : "The query failed: see below.");
  } finally {
    clearTimeout(timer);
    abandon = null;
    sessionStorage.removeItem(RUNNING);
    busy = false;
    runButton.disabled = false;
    cancelButton.hidden = true;
    result.dataset.runs = String(++runs);                      // for tests: one more query has finished
  }
  if (again) { again = false; await run(); }
}

runButton.addEventListener("click", run);
cancelButton.addEventListener("click", () => stop("Cancelling…"));
box.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
});
box.addEventListener("input", () => { link.href = hashOf(box.value); });
window.addEventListener("hashchange", () => {
  const asked = sqlFromHash();
  if (asked !== null && asked !== box.value) { box.value = asked; run(); }
});
const initial = sqlFromHash();
link.href = hashOf(initial ?? box.value);
if (initial !== null) {
  box.value = initial;
  if (sessionStorage.getItem(RUNNING) === initial) {            // this tab stopped while running it: don't again
    sessionStorage.removeItem(RUNNING);
    say("This query did not finish when the page last ran it; press Run to try again.");
  } else {
    run();
  }
}
