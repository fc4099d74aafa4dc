import Foundation
import Testing

@testable import Migration

@Suite("The HTML report of a large run")
struct HTMLReportTests {
    @Test("past the first 10,000 rows only rows needing attention are listed; the counts cover every row")
    func listedRowsAreCapped() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).html").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try HTMLReportWriter(path: path, command: .apply, input: "corrections.csv")
        var summary = RunSummary(command: .apply)
        let total = HTMLReportWriter.listedRows + 3
        for index in 0..<total {
            // The one failed row comes after the cap.
            let outcome: RowResult.Outcome = index == HTMLReportWriter.listedRows + 1 ? .failed : .applied
            let row = RowResult(line: index + 2, customerId: "customer-\(index)", outcome: outcome)
            summary.add(row)
            try writer.write(row)
        }
        try writer.finish(summary)
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.components(separatedBy: "<tr data-outcome=").count - 1 == HTMLReportWriter.listedRows + 1)
        #expect(html.contains("<tr data-outcome=\"failed\""), "the failed row past the cap is listed")
        #expect(!html.contains("customer-\(HTMLReportWriter.listedRows + 2)<"), "an applied row past the cap is not")
        #expect(html.contains("data-count=\"rows\">\(total)<"))
        #expect(html.contains("data-count=\"applied\">\(total - 1)<"))
        #expect(html.contains("2 other row(s) are counted above but not listed"))
    }
}
