/// The fuzz targets: each feeds outside bytes to one of the parsers that reads them, exactly as
/// the tool does, and checks what comes out against invariants that hold for any input.
///
/// `scripts/fuzz.sh TARGET SECONDS` runs one under libFuzzer with AddressSanitizer (the `fuzz`
/// executable, built with `-sanitize=fuzzer,address`); `FuzzTargetsTests` runs each over its
/// committed corpus (`Tests/Fixtures/FuzzCorpus/TARGET/`) without sanitizers.
public enum FuzzTargets {
    /// One fuzz target: a parser that takes outside bytes.
    public enum Target: String, CaseIterable, Sendable {
        /// `CSVReader`, as the tool reads a corrections file.
        case csv
        /// `JSONValue(parsing:)`, as the tool reads Partner Center's answers and its own files.
        case json
        /// The journal reader: each line, as `status` reads the file, and as `apply` resumes it.
        case journal
    }

    /// Runs `target` over `bytes`; returns when every invariant holds, and traps otherwise (for
    /// libFuzzer, which takes a trap for a crash and keeps the input), with the broken invariant's
    /// message (`fatalError`, since an optimized build drops `precondition`'s).
    public static func run(_ target: Target, _ bytes: UnsafeRawBufferPointer) {
        do {
            try check(target, bytes)
        } catch {
            fatalError("fuzz target \(target.rawValue): \(error)")
        }
    }

    /// Runs `target` over `bytes`.
    /// - Throws: ``InvariantViolation`` naming the invariant the parser broke on these bytes.
    public static func check(_ target: Target, _ bytes: UnsafeRawBufferPointer) throws(InvariantViolation) {
        let bytes = Array(bytes)
        switch target {
        case .csv: try checkCSV(bytes)
        case .json: try checkJSON(bytes)
        case .journal: try checkJournal(bytes)
        }
    }
}

/// A parser's answer that no input should produce.
public struct InvariantViolation: Error, Sendable, CustomStringConvertible {
    public let message: String

    public var description: String { message }
}

/// Throws ``InvariantViolation`` with `message` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(InvariantViolation) {
    if !condition { throw InvariantViolation(message: message()) }
}
