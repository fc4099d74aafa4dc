/// An output file of a run that writes to Partner Center: once writes began, a report that cannot
/// be written (a full disk) must not end the run before its summary, nor turn it into "nothing
/// was sent" (exit 2). Its first failure is kept, the file is given up, and the run goes on; it
/// then ends with exit 3 and the failure named (the journal holds every row's outcome, and the
/// same command run again writes the reports from it).
final class GuardedSink: RowSink {
    private let sink: any RowSink
    /// What went wrong with the file, once something did.
    private(set) var failure: String?

    init(_ sink: any RowSink) {
        self.sink = sink
    }

    func write(_ row: RowResult) throws {
        guarded { try sink.write(row) }
    }

    func restart() throws {
        guarded { try sink.restart() }
    }

    func finish(_ summary: RunSummary) throws {
        guarded { try sink.finish(summary) }
    }

    var wantsChanges: Bool { sink.wantsChanges }

    private func guarded(_ body: () throws -> Void) {
        guard failure == nil else { return }
        do { try body() } catch { failure = "\(error)" }
    }
}
