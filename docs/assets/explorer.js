/* The record lists: sorting, search and filters (one per code-list column, by party and by date range) on every
   table marked `explorer`, with simple-datatables. Without JavaScript the table stays a plain, readable list.
   The columns to filter come from the table's `data-explorer` attribute, written by the site build. */
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
    if (source === "f:party") return cellText(cell).split(PARTS).some(part => terms.includes(norm(part)));
    if (source.startsWith("f:")) return terms.includes(text);
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
    label.appendChild(input);
    box.appendChild(label);
    return input;
  }

  function distinct(table, column, split) {
    const seen = new Set();
    table.querySelectorAll("tbody tr").forEach(tr => {
      const td = tr.children[column];
      if (!td) return;
      const text = td.textContent.trim();
      (split ? text.split(PARTS) : [text]).forEach(v => { if (v.trim()) seen.add(v.trim()); });
    });
    return Array.from(seen).sort((a, b) => a.localeCompare(b));
  }

  function enhance(table) {
    const config = JSON.parse(table.dataset.explorer || "{}");
    const headings = Array.from(table.querySelectorAll("thead th")).map(th => th.textContent.trim());
    const box = document.createElement("div");
    box.className = "explorer-filters";
    const selects = [];
    (config.codes || []).forEach(column => {
      const select = document.createElement("select");
      select.dataset.column = column;
      select.setAttribute("aria-label", headings[column]);
      option(select, "", "all");
      distinct(table, column, false).forEach(v => option(select, v, v));
      control(box, headings[column], select);
      selects.push([select, "f:code" + column, column]);
    });
    if (config.party !== undefined) {
      const select = document.createElement("select");
      select.setAttribute("aria-label", "Party");
      option(select, "", "any");
      distinct(table, config.party, true).forEach(v => option(select, v, v));
      control(box, "Party", select).classList.add("explorer-party");
      selects.push([select, "f:party", config.party]);
    }
    let from = null, to = null;
    if (config.date !== undefined) {
      from = control(box, "From", Object.assign(document.createElement("input"), {type: "date", ariaLabel: "From"}));
      to = control(box, "to", Object.assign(document.createElement("input"), {type: "date", ariaLabel: "To"}));
    }
    table.closest(".table-wrap").before(box);

    const dt = new window.simpleDatatables.DataTable(table, {
      perPage: 25, perPageSelect: [10, 25, 50, 100, 1000], searchMethod: match, ignorePunctuation: false,
      labels: {placeholder: "Search these records…", perPage: "rows per page", noRows: "No records",
               noResults: "No record matches", info: "Showing {start} to {end} of {rows} records"},
      columns: config.date !== undefined ? [{select: config.date, type: "string"}] : [],
    });
    function apply(source, column, value) {
      dt.multiSearch([{terms: value ? [value] : [], columns: [column]}], source);
    }
    selects.forEach(([select, source, column]) =>
      select.addEventListener("change", () => apply(source, column, select.value)));
    const range = () => apply("f:date", config.date, from.value || to.value ? `${from.value}~${to.value}` : "");
    if (from) { from.addEventListener("change", range); to.addEventListener("change", range); }
    table.dataset.enhanced = "true";
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
