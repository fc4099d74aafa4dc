import PartnerCenter

/// Everything a `plan` or `apply` run is told, with documented defaults: every option that changes
/// what a run does. The CLI builds it from its options; tests build it directly.
public struct RunConfiguration: Sendable {
    public var command: Command
    /// The corrections file; under `apply --plan`, the plan (``plan``).
    public var input: String
    /// The corrections file as the run opened it when it started (``PinnedInput``): what every
    /// read of the run opens, so that a file replaced meanwhile is not read. `nil`: ``input``.
    var pinned: PinnedInput?
    /// The path the run reads its corrections file through.
    var readPath: String { pinned?.path ?? input }
    public var inputOptions = InputFile.Options()
    /// Calls to Partner Center in flight at once (`--concurrency`). Default 8.
    public var concurrency = 8
    /// Rows under way at once: twice ``concurrency``, so that a row between its calls (planning,
    /// journaling its intent, waiting for its country's rules) leaves its call's slot
    /// (``RequestSlots``) to the next row instead of idle.
    var rowsUnderWay: Int { 2 * max(1, concurrency) }
    /// The journal (`apply --journal`); `nil` for `plan`.
    public var journalPath: String?
    /// Resume even though the input changed since the journal was started (`--force`). Default off.
    public var force = false
    /// Let a row change a customer's country (`--allow-country-change`). Default off.
    public var allowCountryChange = false
    /// Whether to ask Partner Center's address validation about each address that would change
    /// (`--verify-address`). Default `.off`.
    public var verifyAddress = AddressVerification.off
    /// Re-reads and re-writes after a conflict that another writer did not cause. Default 3.
    public var maxConflictRetries = 3
    /// `apply --plan`: the path of the reviewed plan whose rows are applied instead of the input's;
    /// `input` is then the plan's path too (the journal records its SHA-256).
    public var plan: String?
    /// `apply --plan --trust-etag`: PUT each planned document with the plan's ETag without reading
    /// the profile first (one request per row). Safe only where Partner Center enforces the ETag,
    /// which `billing-migrate doctor` proves. Default off.
    public var trustETag = false
    /// The corrections file given beside `--plan`: it must be the one the plan was made from.
    public var planInput: String?
    /// The plan, once ``MigrationRun/execute(display:stop:progress:)`` has read and checked it.
    public var savedPlan: SavedPlanFile?
    /// The most finished results a run holds back for file order behind a row still under way
    /// (``BatchRunner/reorderWindow``); not an option, tests lower it.
    var reorderWindow = BatchRunner.defaultReorderWindow
    /// `--report` paths; each file's format comes from its extension.
    public var reports: [String] = []
    /// `--failed-rows`: a corrections file of the rows that need attention.
    public var failedRows: String?
    /// `plan --save-plan`.
    public var savePlan: String?
    /// `apply --undo-file`.
    public var undoFile: String?
    /// `apply --max-changes`: refuse to write anything when more rows would change.
    public var maxChanges: Int?
    /// `--deadline`: the run's bound. At it no row, retry or page starts; the calls still in flight
    /// are cancelled ``grace`` later; the run ends as usual (summary, reports; exit 3, resumable).
    public var deadline: Duration?
    /// `--grace`: how long calls in flight may go on after the deadline. Default 10 s.
    public var grace: Duration = .seconds(10)
    /// Other files the run's wiring writes (the sandbox's state file), checked against the run's own.
    public var alsoWrites: [(role: String, path: String)] = []
    /// `plan --detailed-exitcode`: exit 4 when changes are pending and nothing is invalid or failed.
    public var detailedExitCode = false
    /// Where PUTs carry the ETag (`--etag-in`), as the client was configured; named when the
    /// service refuses it. Default both.
    public var etagPlacement = ETagPlacement.both
    /// Whether reports or a failed-rows file are written: a finished journal is then replayed row
    /// by row so that they list every row as recorded, instead of answered from its counts.
    /// Default off.
    public var reproduceReports = false
    /// Recorded in the journal header. Default `unknown`.
    public var toolVersion = "unknown"
    /// `export`: where the exported file goes and how it is written; `input` is then the
    /// `--customers` file, or empty for every customer of the partner (`--all`).
    public var export = ExportSettings()

    public init(command: Command, input: String) {
        self.command = command
        self.input = input
    }
}

/// What `export` writes, and how.
public struct ExportSettings: Sendable {
    /// The exported file (`export OUTPUT.csv`).
    public var output = ""
    /// Start the file with a UTF-8 byte-order mark, for Excel (`--no-bom` turns it off). Default on.
    public var byteOrderMark = true
    /// Leave cells a spreadsheet would take for a formula as they are (`--raw`). Default off: they
    /// get a leading `'`, which the tool reads back without.
    public var raw = false
    /// Write `<clear>` for absent fields (`--snapshot`), so that applying the file restores them
    /// too. Default off: an absent field is an empty cell ("keep").
    public var snapshot = false

    public init() {}
}

/// Why a run cannot start (or its journal cannot be used); the CLI maps each to its exit code.
public struct RunRefusal: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The input or the journal cannot be used as it is (exit 2).
        case input
        /// Another process holds the journal, or Partner Center refused the credentials (exit 3).
        case unavailable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// `--verify-address`: what Partner Center's address validation (`POST /v1/validations/address`)
/// is asked, and what its answer does.
public enum AddressVerification: String, Sendable, CaseIterable {
    /// Not asked.
    case off
    /// Asked for every address that would change; an address it does not verify gets a warning and
    /// is still written.
    case report
    /// Asked likewise; an address it does not verify is `invalid` and not written.
    case strict
}
