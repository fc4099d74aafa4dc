/// Where a run's row results go, in file order: reports, the listing on stdout.
///
/// A sink may be told to ``restart()``: `validate` first reads the file in a single pass on the
/// bet that no customer repeats, and when one does it starts over with the duplicates known.
/// A sink must therefore hold back what it writes until ``finish(_:)``.
public protocol RowSink: AnyObject {
    /// Takes one row's result.
    func write(_ row: RowResult) throws
    /// Forgets every row written so far; the rows come again from the first.
    func restart() throws
    /// The run is over: make the output final.
    func finish(_ summary: RunSummary) throws
    /// Whether the sink shows each row's changes; when no sink does, a run need not collect them.
    var wantsChanges: Bool { get }
}

extension RowSink {
    public var wantsChanges: Bool { true }
}

/// Several sinks as one.
public final class SinkGroup: RowSink {
    private let sinks: [any RowSink]

    public init(_ sinks: [any RowSink]) {
        self.sinks = sinks
    }

    public func write(_ row: RowResult) throws {
        for sink in sinks { try sink.write(row) }
    }

    public func restart() throws {
        for sink in sinks { try sink.restart() }
    }

    public func finish(_ summary: RunSummary) throws {
        for sink in sinks { try sink.finish(summary) }
    }

    public var wantsChanges: Bool { sinks.contains { $0.wantsChanges } }
}
