extension BatchRunner {
    /// `export`: every customer of `source`, read at most `rowsUnderWay` at a time, each result
    /// handed to `inOrder` and `sink` in the source's order. Customers in `done` (exported by an
    /// earlier run of the journal) are passed over without a request, and counted as earlier.
    func export(
        _ source: any ExportSource, done: Set<String>, sink: any RowSink,
        inOrder: @escaping (RowResult) async throws -> Void
    ) async throws -> Outcome {
        let processor = self.processor
        var passedOver = 0
        var outcome = try await drive(
            sink: sink,
            next: {
                while let item = try await source.next() {
                    guard item.issues.isEmpty, item.repeatOf == nil, done.contains(item.customerId) else {
                        return item
                    }
                    passedOver += 1
                }
                return nil
            },
            name: { ($0.line, $0.customerId) },
            prepare: { item, _ in
                if !item.issues.isEmpty {
                    return .result(
                        RowResult(line: item.line, customerId: item.customerId, outcome: .invalid, errors: item.issues))
                }
                if let first = item.repeatOf {
                    return .result(
                        RowResult(
                            line: item.line, customerId: item.customerId, outcome: .skipped,
                            warnings: [
                                RowIssue(
                                    .duplicateRow, field: "customerId",
                                    "the customer is listed again (first at \(first)); it is exported once")
                            ]))
                }
                return .task { await processor.export(item) }
            },
            inOrder: inOrder)
        if passedOver > 0 { outcome.earlier[.exported] = passedOver }
        return outcome
    }
}
