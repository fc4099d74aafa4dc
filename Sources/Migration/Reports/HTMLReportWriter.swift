import AddressRules
import Crypto
import Foundation

/// `--report x.html`: one self-contained page for a reviewer. The counts with a bar chart, then
/// every row with its before -> after values highlighted and its problems in plain words,
/// filterable by outcome. No external request of any kind (a Content-Security-Policy of
/// `default-src 'none'` forbids them; the one inline script runs by its SHA-256 hash, inline
/// styles are allowed for the bar widths); every value bidi-isolated and its control characters
/// escaped; readable on a phone (rows become cards) and in print.
/// The rows are spooled until the counts are known; written 0600, and only once complete.
///
/// A page stays usable in a browser up to some ten thousand rows, so it lists at most
/// ``listedRows`` rows in file order, and after those only the rows that need attention (at most
/// as many again); the counts always cover every row, and a note above the table says how many
/// rows are not listed and that the CSV and JSON reports list them all.
public final class HTMLReportWriter: RowSink {
    /// Rows listed in file order before only the rows that need attention are.
    public static let listedRows = 10_000

    private let file: PrivateFile
    private let command: Command
    private let input: String
    private let rows = Spool()
    private var listed = 0
    private var listedForAttention = 0
    private var unlisted = 0

    /// Creates the report's file now, so that a path that cannot be written fails before the run.
    public init(path: String, command: Command, input: String) throws(FileError) {
        file = try PrivateFile(path: path)
        self.command = command
        self.input = input
    }

    public func restart() {
        rows.reset()
        listed = 0
        listedForAttention = 0
        unlisted = 0
    }

    public func write(_ row: RowResult) throws {
        if listed < Self.listedRows {
            listed += 1
        } else if row.needsAttention, listedForAttention < Self.listedRows {
            listedForAttention += 1
        } else {
            unlisted += 1
            return
        }
        var html = "<tr data-outcome=\"\(row.outcome.rawValue)\"><td data-label=\"Line\">\(row.line)</td>"
        html += "<td data-label=\"Customer\">"
        if let name = row.companyName { html += "<span class=\"name\">\(Self.escape(name))</span><br>" }
        html += "<code>\(Self.escape(row.customerId.isEmpty ? "-" : row.customerId))</code></td>"
        html +=
            "<td data-label=\"Outcome\"><span class=\"badge \(row.outcome.rawValue)\">\(row.outcome.rawValue)</span></td>"
        html += "<td data-label=\"Changes\">"
        if !row.changes.isEmpty {
            html += "<ul>"
            for change in row.changes {
                html += "<li><span class=\"field\">\(Self.escape(change.field))</span> "
                if command.readsProfiles {
                    html += change.before.map { "<del>\(Self.escape($0))</del>" } ?? "<i>none</i>"
                    html += " &rarr; "
                }
                html += change.after.map { "<ins>\(Self.escape($0))</ins>" } ?? "<i>cleared</i>"
                html += "</li>"
            }
            html += "</ul>"
        }
        html += "</td><td data-label=\"Problems\">"
        let issues = row.errors.map { ("error", $0) } + row.warnings.map { ("warning", $0) }
        if !issues.isEmpty {
            html += "<ul>"
            for (kind, issue) in issues {
                html += "<li class=\"\(kind)\">" + (issue.field.map { "<b>\(Self.escape($0))</b>: " } ?? "")
                html += "\(Self.escape(issue.message)) <small>\(issue.code.rawValue)</small></li>"
            }
            html += "</ul>"
        }
        if let status = row.httpStatus, row.outcome == .failed || row.outcome == .conflict {
            html += "<small>HTTP \(status)\(row.partnerCenterCode.map { ", code \(Self.escape($0))" } ?? "")</small>"
        }
        html += "</td></tr>\n"
        try rows.append(html)
    }

    public func finish(_ summary: RunSummary) throws {
        try file.write(head(summary))
        try rows.drain { try file.write(bytes: $0) }
        try file.write(Self.tail)
        try file.commit()
    }

    private func head(_ summary: RunSummary) -> String {
        let title = "billing-migrate \(command.rawValue): \(Self.escape(input))"
        let generated = ISO8601DateFormatter().string(from: Date())
        let largest = max(1, RowResult.Outcome.allCases.map(summary.count).max() ?? 1)
        var counts = ""
        for outcome in RowResult.Outcome.allCases where summary.count(outcome) > 0 {
            let count = summary.count(outcome)
            let width = max(1, count * 100 / largest)
            counts += "<tr><th scope=\"row\"><span class=\"badge \(outcome.rawValue)\">\(outcome.rawValue)</span></th>"
            counts += "<td class=\"count\" data-count=\"\(outcome.rawValue)\">\(count)</td>"
            counts += "<td class=\"chart\" aria-hidden=\"true\"><span class=\"bar \(outcome.rawValue)\" "
            counts += "style=\"width:\(width)%\"></span></td></tr>\n"
        }
        counts += "<tr class=\"total\"><th scope=\"row\">rows</th><td class=\"count\" data-count=\"rows\">"
        counts += "\(summary.rows)</td><td></td></tr>\n"
        let cut =
            unlisted > 0
            ? "<p class=\"alert\">This page lists the first \(Self.listedRows) rows and, after them, "
                + "\(listedForAttention == 0 ? "no row needed attention" : "the \(listedForAttention) that need attention")"
                + "; \(unlisted) other row(s) are counted above but not listed. The CSV and JSON reports "
                + "(<code>--report r.csv</code>, <code>--report r.json</code>) list every row.</p>\n" : ""
        let malformed =
            summary.malformedRows > 0
            ? "<p class=\"alert\">\(summary.malformedRows) row(s) are not well-formed CSV: fix the file before "
                + "anything can be applied from it.</p>\n" : ""
        return """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; \
            script-src '\(Self.scriptHash)'">
            <meta name="referrer" content="no-referrer">
            <title>\(title)</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header><h1>\(title)</h1><p class="meta">Generated \(generated)</p></header>
            <section aria-label="Summary"><table class="counts">
            \(counts)</table>
            \(malformed)\(cut)</section>
            <nav class="filters" aria-label="Show rows" hidden></nav>
            <p class="shown" aria-live="polite"></p>
            <table class="rows">
            <thead><tr><th>Line</th><th>Customer</th><th>Outcome</th><th>\(!command.readsProfiles ? "Fields" : "Changes (before &rarr; after)")</th>\
            <th>Problems</th></tr></thead>
            <tbody>

            """
    }

    private static let tail = """
        </tbody>
        </table>
        <script>\(script)</script>
        </body>
        </html>

        """

    /// The script's hash, the only script the page's Content-Security-Policy lets run.
    static let scriptHash = "sha256-" + Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()

    /// The filter: a button per outcome present, built from the rows themselves, and a search
    /// box that finds rows by company name or customer ID.
    private static let script = """
        (function () {
          var rows = Array.prototype.slice.call(document.querySelectorAll("table.rows tbody tr"));
          var nav = document.querySelector("nav.filters");
          var shown = document.querySelector("p.shown");
          var counts = {}, order = [], current = "all", query = "";
          function customer(row) {
            var cell = row.querySelector("td[data-label=Customer]");
            return cell ? cell.textContent.toLowerCase() : "";
          }
          rows.forEach(function (row) {
            var outcome = row.getAttribute("data-outcome");
            if (!(outcome in counts)) { counts[outcome] = 0; order.push(outcome); }
            counts[outcome] += 1;
          });
          function show(filter) {
            var visible = 0;
            current = filter;
            rows.forEach(function (row) {
              row.hidden = (filter !== "all" && row.getAttribute("data-outcome") !== filter) ||
                (query !== "" && customer(row).indexOf(query) < 0);
              if (!row.hidden) { visible += 1; }
            });
            Array.prototype.forEach.call(nav.querySelectorAll("button"), function (button) {
              button.setAttribute("aria-pressed", String(button.getAttribute("data-filter") === filter));
            });
            shown.textContent = "Showing " + visible + " of " + rows.length + " rows" +
              (filter === "all" ? "" : " (" + filter + ")") +
              (query === "" ? "." : " matching '" + query + "'.");
          }
          function button(filter, label, count) {
            var element = document.createElement("button");
            element.type = "button";
            element.setAttribute("data-filter", filter);
            element.setAttribute("data-count", String(count));
            element.textContent = label + " (" + count + ")";
            element.addEventListener("click", function () { show(filter); });
            nav.appendChild(element);
          }
          button("all", "all", rows.length);
          order.forEach(function (outcome) { button(outcome, outcome, counts[outcome]); });
          var search = document.createElement("input");
          search.type = "search";
          search.placeholder = "Find a customer by name or ID";
          search.setAttribute("aria-label", "Find a customer by name or ID");
          search.addEventListener("input", function () {
            query = search.value.trim().toLowerCase();
            show(current);
          });
          nav.appendChild(search);
          nav.hidden = false;
          show("all");
        })();
        """

    private static let style = """
        :root { --ok: #1a7f37; --change: #0b5cad; --bad: #b42318; --warn: #9a6700; --quiet: #57606a; }
        * { box-sizing: border-box; }
        body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem auto; \
        max-width: 72rem; padding: 0 1rem; color: #1f2328; }
        h1 { font-size: 1.35rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
        .meta, small, .shown { color: var(--quiet); }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; }
        .counts { max-width: 36rem; margin: 1rem 0; }
        .counts td.count { text-align: right; font-variant-numeric: tabular-nums; width: 5rem; }
        .counts .chart { width: 60%; }
        .counts .total { border-top: 1px solid #d0d7de; font-weight: 600; }
        .bar { display: block; height: .9rem; border-radius: 3px; background: var(--quiet); \
        print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        .badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: .85rem; \
        border: 1px solid currentColor; white-space: nowrap; }
        .applied, .valid { color: var(--ok); } .bar.applied, .bar.valid { background: var(--ok); }
        .would-change { color: var(--change); } .bar.would-change { background: var(--change); }
        .invalid, .failed, .conflict { color: var(--bad); }
        .bar.invalid, .bar.failed, .bar.conflict { background: var(--bad); }
        .unchanged, .skipped, .not-started { color: var(--quiet); }
        .alert { color: var(--bad); font-weight: 600; }
        .filters { display: flex; flex-wrap: wrap; gap: .4rem; margin: .5rem 0; }
        .filters button { font: inherit; padding: .3rem .7rem; border: 1px solid #d0d7de; border-radius: 1rem; \
        background: #f6f8fa; cursor: pointer; }
        .filters button[aria-pressed="true"] { background: #1f2328; color: #fff; }
        .filters input { font: inherit; padding: .3rem .7rem; border: 1px solid #d0d7de; border-radius: 1rem; \
        min-width: 19rem; }
        .name { font-weight: 600; }
        table.rows thead th { border-bottom: 2px solid #d0d7de; position: sticky; top: 0; background: #fff; }
        table.rows tbody tr { border-bottom: 1px solid #eaeef2; }
        table.rows ul { margin: 0; padding-left: 1rem; }
        code { font-size: .85rem; overflow-wrap: anywhere; }
        .field { font-weight: 600; }
        td, li, del, ins, code { unicode-bidi: isolate; }
        del { background: #ffebe9; color: #82071e; text-decoration: line-through; }
        ins { background: #dafbe1; color: #116329; text-decoration: none; }
        li.error { color: #1f2328; } li.warning { color: var(--warn); }
        @media (max-width: 700px) {
          body { margin: .75rem auto; font-size: 14px; }
          table.rows thead { display: none; }
          table.rows, table.rows tbody, table.rows tr, table.rows td { display: block; width: 100%; }
          table.rows tr { border: 1px solid #d0d7de; border-radius: 6px; margin: 0 0 .75rem; padding: .25rem 0; }
          table.rows tr[hidden] { display: none; }
          table.rows td:empty { display: none; }
          table.rows td::before { content: attr(data-label); display: block; font-size: .75rem; \
        color: var(--quiet); text-transform: uppercase; }
        }
        @media print {
          body { margin: 0; max-width: none; font-size: 11pt; }
          .filters { display: none; }
          table.rows thead th { position: static; }
          table.rows tr { break-inside: avoid; }
          del, ins, .bar, .badge { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        }
        """

    /// `text` safe inside an element or a quoted attribute.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in VisibleText.escaped(text) {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
