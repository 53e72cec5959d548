/* The record lists: sorting, search and filters (one per code-list column, by party, by the direction from one
   party to another, and by date range) on every table marked `explorer`, with simple-datatables, and a totals
   line under the list (records, their dates, each count summed) that follows the filters. Without JavaScript
   the table stays a plain, readable list. The columns to filter come from the table's `data-explorer`
   attribute, written by the site build (scripts/site/tables.py); a link may preset the filters:
   `#from=Azerbaijan&to=Armenia`, `#status=held`, `#q=Abu Dhabi`. */
(function () {
  "use strict";

  function nodeText(node) {
    if (!node) return "";
    if (node.nodeName === "#text") return node.data || "";
    return (node.childNodes || []).map(nodeText).join("");
  }

  function cellText(cell) {
    if (cell == null) return "";
    if (typeof cell.text === "string") return cell.text;
    const data = cell.data;
    if (typeof data === "string" || typeof data === "number") return String(data);
    if (Array.isArray(data)) return data.map(nodeText).join("");
    return nodeText(data);
  }

  function norm(text) {
    return String(text).trim().toLowerCase().normalize("NFD").replace(/\p{Diacritic}/gu, "");
  }

  const PARTS = / · | → /;  /* between the names of a "who" cell (scripts/site/tables.py) */

  /* The two ends of the direction a "who" cell shows first (`From → To · Mediator`). */
  function ends(text) {
    const pair = text.split(" · ").find(part => part.includes(" → "));
    return pair ? pair.split(" → ").map(s => s.trim()) : ["", ""];
  }

  /* One matcher for every query: the search box matches substrings, the filters whole values. */
  function match(terms, cell, row, column, source) {
    const text = norm(cellText(cell));
    if (source === "f:date") {
      const [from, to] = terms[0].split("~");
      const raw = cellText(cell).trim();
      if (!raw) return false;
      const low = raw + "0000-01-01".slice(raw.length), high = raw + "9999-12-31".slice(raw.length);
      return (!from || high >= from) && (!to || low <= to);
    }
    const wanted = terms.map(norm);
    if (source === "f:party") return cellText(cell).split(PARTS).some(part => wanted.includes(norm(part)));
    if (source === "f:from" || source === "f:to")
      return wanted.includes(norm(ends(cellText(cell))[source === "f:from" ? 0 : 1]));
    if (source.startsWith("f:")) return wanted.includes(text);
    return terms.some(term => text.includes(term));
  }

  function option(select, value, label) {
    const item = document.createElement("option");
    item.value = value;
    item.textContent = label;
    select.appendChild(item);
  }

  function control(box, labelText, input) {
    const label = document.createElement("label");
    label.textContent = labelText + " ";
    input.setAttribute("aria-label", labelText);
    label.appendChild(input);
    box.appendChild(label);
    return input;
  }

  function distinct(table, column, pick) {
    const seen = new Set();
    table.querySelectorAll("tbody tr").forEach(tr => {
      const td = tr.children[column];
      if (!td) return;
      pick(td.textContent.trim()).forEach(v => { if (v.trim()) seen.add(v.trim()); });
    });
    return Array.from(seen).sort((a, b) => a.localeCompare(b));
  }

  function selectOf(box, name, labelText, values, any) {
    const select = document.createElement("select");
    select.name = name;
    option(select, "", any);
    values.forEach(v => option(select, v, v));
    return control(box, labelText, select);
  }

  function number(value) {
    return value.toLocaleString("en-GB", {maximumFractionDigits: 2});
  }

  /* What each row holds for the totals line, read before the table is enhanced: its date as shown and, per
     count, its [min, best, max] (null where the sources give none). */
  function figures(table, config) {
    return Array.from(table.querySelectorAll("tbody tr")).map(tr => ({
      date: config.date !== undefined ? (tr.children[config.date]?.textContent || "").trim() : "",
      counts: (config.counts || []).map((_, k) => {
        const parts = (tr.getAttribute("data-count-" + k) || "").split(" ");
        const value = i => (parts[i] === undefined || parts[i] === "" ? null : Number(parts[i]));
        return [value(0), value(Math.floor(parts.length / 2)), value(parts.length - 1)];
      }),
    }));
  }

  /* `21 of 30 records, dated 2020-12-09 to 2024-01-14. People: 196 (196–197 as the sources differ).` */
  function totals(rows, shown, config) {
    const dates = shown.map(i => rows[i].date).filter(Boolean).sort();
    let text = (shown.length === rows.length ? `${rows.length}` : `${shown.length} of ${rows.length}`) +
      ` record${rows.length === 1 ? "" : "s"}`;
    if (dates.length) text += dates[0] === dates[dates.length - 1] ? `, dated ${dates[0]}` :
      `, dated ${dates[0]} to ${dates[dates.length - 1]}`;
    text += ".";
    (config.counts || []).forEach((count, k) => {
      let low = 0, best = 0, high = 0, given = 0;
      shown.forEach(i => {
        const [a, b, c] = rows[i].counts[k];
        if (b !== null) { best += b; given += 1; }
        low += a || 0;
        high += c || 0;
      });
      text += ` ${count.label}: ${number(best)}` +
        (low !== best || high !== best ? ` (${number(low)}–${number(high)} as the sources differ)` : "") +
        (given < shown.length ? `; ${shown.length - given} of these records give no figure` : "") + ".";
    });
    return text;
  }

  function enhance(table) {
    const config = JSON.parse(table.dataset.explorer || "{}");
    const headings = Array.from(table.querySelectorAll("thead th")).map(th => th.textContent.trim());
    const rows = figures(table, config);
    const box = document.createElement("div");
    box.className = "explorer-filters";
    const selects = [];
    (config.codes || []).forEach(column => {
      const select = selectOf(box, headings[column].toLowerCase(), headings[column],
                              distinct(table, column, text => [text]), "all");
      selects.push([select, "f:code" + column, column]);
    });
    if (config.direction !== undefined) {
      const column = config.direction;
      selects.push([selectOf(box, "from", "From", distinct(table, column, t => [ends(t)[0]]), "any"), "f:from", column]);
      selects.push([selectOf(box, "to", "To", distinct(table, column, t => [ends(t)[1]]), "any"), "f:to", column]);
    }
    if (config.party !== undefined) {
      const select = selectOf(box, "party", "Party", distinct(table, config.party, t => t.split(PARTS)), "any");
      select.classList.add("explorer-party");
      selects.push([select, "f:party", config.party]);
    }
    let from = null, to = null;
    if (config.date !== undefined) {
      from = control(box, "Date from", Object.assign(document.createElement("input"), {type: "date", name: "after"}));
      to = control(box, "Date to", Object.assign(document.createElement("input"), {type: "date", name: "before"}));
    }
    table.closest(".table-wrap").before(box);

    const dt = new window.simpleDatatables.DataTable(table, {
      perPage: 25, perPageSelect: [10, 25, 50, 100, 1000], searchMethod: match, ignorePunctuation: false,
      labels: {placeholder: "Search these records…", searchTitle: "Search these records",
               perPage: "rows per page", noRows: "No records",
               noResults: "No record matches", info: "Showing {start} to {end} of {rows} records"},
      columns: config.date !== undefined ? [{select: config.date, type: "string"}] : [],
    });
    const line = document.createElement("p");
    line.className = "explorer-totals";
    line.setAttribute("aria-live", "polite");
    dt.wrapperDOM.after(line);
    /* The rows the search and the filters leave: simple-datatables keeps them in _searchData (pinned 10.3.0). */
    const count = () => {
      const shown = dt._searchQueries && dt._searchQueries.length ? dt._searchData : rows.map((_, i) => i);
      line.textContent = totals(rows, shown, config);
    };
    dt.on("datatable.search", count);
    dt.on("datatable.multisearch", count);
    function apply(source, column, value) {
      dt.multiSearch([{terms: value ? [value] : [], columns: [column]}], source);
      count();
    }
    selects.forEach(([select, source, column]) =>
      select.addEventListener("change", () => apply(source, column, select.value)));
    const range = () => apply("f:date", config.date, from.value || to.value ? `${from.value}~${to.value}` : "");
    if (from) { from.addEventListener("change", range); to.addEventListener("change", range); }
    preset(selects, dt, apply);
    count();
    table.dataset.enhanced = "true";
  }

  /* Filters given by the address (`#from=Azerbaijan&to=Armenia&q=…`), so a link can open a list filtered. */
  function preset(selects, dt, apply) {
    if (!location.hash.includes("=")) return;
    const wanted = new URLSearchParams(location.hash.slice(1));
    selects.forEach(([select, source, column]) => {
      const value = wanted.get(select.name);
      const found = value && Array.from(select.options).find(o => norm(o.value) === norm(value));
      if (found) { select.value = found.value; apply(source, column, found.value); }
    });
    if (wanted.get("q")) {
      const input = dt.wrapperDOM.querySelector(".datatable-input");
      if (input) input.value = wanted.get("q");
      dt.search(wanted.get("q"));
    }
  }

  function ready() {
    /* An old link to a row of a list (`tables/claims/#clm-0001`) opens the record's own page. */
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.matches("table.explorer tr")) {
      const link = target.querySelector("a[href]");
      if (link) { location.replace(link.href); return; }
    }
    if (!window.simpleDatatables) return;
    document.querySelectorAll("table.explorer").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
