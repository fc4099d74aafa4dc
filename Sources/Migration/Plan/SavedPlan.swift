import AddressRules
import Crypto
import Foundation
import JSONDocument

/// A reviewed plan on disk: `plan --save-plan PLAN.json` writes it, `apply --plan PLAN.json`
/// applies exactly it. It holds, per row that would change, the profile's ETag, its address
/// before and after and the whole profile document as read (`profile`, which `apply --plan
/// --trust-etag` writes back without reading it again; plans of earlier versions lack it), and
/// the SHA-256 of the corrections file it came from.
///
/// The file is JSON laid out one row per line, so that it is written and read as a stream:
///
///     {"billingMigratePlan":1,"version":"0.1.0","created":"…","input":"…","inputSHA256":"…","allowCountryChange":false,
///     "rows":[
///     {"line":2,"customerId":"…","etag":"…","before":{…},"after":{…},"profile":{…}},
///     ],
///     "summary":{"rows":10,"would-change":1,"unchanged":9},
///     "checksum":"sha256:…"}
///
/// The checksum is the SHA-256 of every byte before its line: a plan edited by hand, or cut
/// short, is refused.
public enum SavedPlan {
    /// The layout's version, the value of `billingMigratePlan`.
    public static let formatVersion = 1

    /// What the plan was made from.
    public struct Header: Sendable, Equatable {
        public var toolVersion: String
        public var created: String
        public var input: String
        public var inputSHA256: String
        public var allowCountryChange: Bool

        public init(toolVersion: String, created: String, input: String, inputSHA256: String, allowCountryChange: Bool)
        {
            self.toolVersion = toolVersion
            self.created = created
            self.input = input
            self.inputSHA256 = inputSHA256
            self.allowCountryChange = allowCountryChange
        }
    }

    /// One row to write: the profile as it was read, and what it should become.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var customerId: String
        public var etag: String?
        public var before: AddressFields
        public var after: AddressFields
        /// The profile document the plan read; `nil` in plans of earlier versions.
        public var profile: JSONObject?

        /// The fields the row changes, in field order.
        public var fields: [AddressField] { AddressField.allCases.filter { before[$0] != after[$0] } }

        public init(
            line: Int, customerId: String, etag: String?, before: AddressFields, after: AddressFields,
            profile: JSONObject? = nil
        ) {
            self.line = line
            self.customerId = customerId
            self.etag = etag
            self.before = before
            self.after = after
            self.profile = profile
        }

        var json: [UInt8] {
            var object = JSONObject()
            object["line"] = .number("\(line)")
            object["customerId"] = .string(customerId)
            object["etag"] = etag.map(JSONValue.string) ?? .null
            object["before"] = before.jsonValue
            object["after"] = after.jsonValue
            if let profile { object["profile"] = .object(profile) }
            return JSONValue.object(object).serialized
        }

        init?(json bytes: some Collection<UInt8>) {
            guard let object = (try? JSONValue(parsing: bytes))?.objectValue,
                let line = object["line"]?.scalarText.flatMap({ Int($0) }),
                let customerId = object["customerId"]?.stringValue, object["before"]?.objectValue != nil,
                object["after"]?.objectValue != nil
            else { return nil }
            self.line = line
            self.customerId = customerId
            etag = object["etag"]?.scalarText
            before = AddressFields(json: object["before"])
            after = AddressFields(json: object["after"])
            profile = object["profile"]?.objectValue
        }
    }
}

/// `plan --save-plan`: writes the rows that would change as a ``SavedPlan``, 0600, in place only
/// once complete.
public final class SavedPlanWriter: RowSink {
    private let path: String
    private let header: SavedPlan.Header
    private var file: PrivateFile
    private var hasher = SHA256()
    private var rows = 0

    public init(path: String, header: SavedPlan.Header) throws(FileError) {
        self.path = path
        self.header = header
        file = try PrivateFile(path: path)
        try writeOpening()
    }

    public func restart() throws(FileError) {
        file = try PrivateFile(path: path)
        hasher = SHA256()
        rows = 0
        try writeOpening()
    }

    public func write(_ row: RowResult) throws(FileError) {
        guard row.outcome == .wouldChange, let snapshot = row.snapshot else { return }
        let planned = SavedPlan.Row(
            line: row.line, customerId: row.customerId, etag: snapshot.etag, before: snapshot.before,
            after: snapshot.after, profile: snapshot.profile)
        try emit((rows == 0 ? [] : Array(",\n".utf8)) + planned.json)
        rows += 1
    }

    public func finish(_ summary: RunSummary) throws(FileError) {
        var counts = JSONObject()
        counts["rows"] = .number("\(summary.rows)")
        for outcome in RowResult.Outcome.allCases where summary.count(outcome) > 0 {
            counts[outcome.rawValue] = .number("\(summary.count(outcome))")
        }
        try emit(
            Array("\(rows == 0 ? "" : "\n")],\n\"summary\":".utf8) + JSONValue.object(counts).serialized
                + Array(",\n".utf8))
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        try file.write("\"checksum\":\"sha256:\(digest)\"}\n")
        try file.commit()
    }

    private func writeOpening() throws(FileError) {
        var object = JSONObject()
        object["billingMigratePlan"] = .number("\(SavedPlan.formatVersion)")
        object["version"] = .string(header.toolVersion)
        object["created"] = .string(header.created)
        object["input"] = .string(header.input)
        object["inputSHA256"] = .string(header.inputSHA256)
        object["allowCountryChange"] = .bool(header.allowCountryChange)
        var opening = JSONValue.object(object).serialized
        opening.removeLast()
        try emit(opening + Array(",\n\"rows\":[\n".utf8))
    }

    private func emit(_ bytes: [UInt8]) throws(FileError) {
        hasher.update(data: bytes)
        try file.write(bytes: bytes)
    }
}

/// A ``SavedPlan`` opened for `apply --plan`: its checksum checked over the whole file before
/// anything is sent; its rows then read one at a time.
public struct SavedPlanFile: Sendable {
    public let path: String
    public let header: SavedPlan.Header
    /// The rows the plan writes.
    public let plannedRows: Int
    /// Whether the rows carry the profile documents the plan read (plans of earlier versions do not).
    public let rowsCarryProfiles: Bool
    /// The SHA-256 of the whole file, in lower-case hex, as a journal header records its input.
    public let sha256: String

    /// Opens and checks the plan at `path`.
    /// - Throws: ``RunRefusal`` (`.input`) for a file that cannot be read, is not a plan, or was edited.
    public init(path: String) throws(RunRefusal) {
        self.path = path
        let lines = try Self.lines(path)
        var hasher = SHA256()
        var whole = SHA256()
        var first: [UInt8]?
        var firstRow: [UInt8]?
        var previous: [UInt8]?
        var count = 0
        while let line = lines.next() {
            if let previous { hasher.update(data: previous) }
            whole.update(data: line)
            if first == nil { first = line }
            if count == 2 { firstRow = line }
            previous = line
            count += 1
        }
        let digest = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
        sha256 = whole.finalize().map { String(format: "%02x", $0) }.joined()
        guard let first, first.starts(with: Array("{\"billingMigratePlan\":".utf8)),
            let last = previous.map({ String(decoding: $0, as: UTF8.self) }),
            last.hasPrefix("\"checksum\":\""), last.hasSuffix("\"}\n")
        else {
            throw RunRefusal(
                .input,
                "\(path) is not a plan written by `billing-migrate plan --save-plan` (or it was cut short); make the "
                    + "plan again.")
        }
        guard last.dropFirst(12).dropLast(3) == digest else {
            throw RunRefusal(
                .input,
                "\(path) was changed after `billing-migrate plan` wrote it (its checksum does not match), so it is "
                    + "not the plan that was reviewed; nothing was sent. Make and review the plan again instead of "
                    + "editing it.")
        }
        guard let object = (try? JSONValue(parsing: first.dropLast(2) + Array("}".utf8)))?.objectValue,
            object["billingMigratePlan"]?.scalarText == "\(SavedPlan.formatVersion)",
            let input = object["input"]?.stringValue, let sha = object["inputSHA256"]?.stringValue
        else {
            throw RunRefusal(
                .input, "\(path) is a plan of a format this version cannot read; make the plan again with it.")
        }
        header = SavedPlan.Header(
            toolVersion: object["version"]?.stringValue ?? "", created: object["created"]?.stringValue ?? "",
            input: input, inputSHA256: sha, allowCountryChange: object["allowCountryChange"]?.boolValue == true)
        plannedRows = max(0, count - 5)
        rowsCarryProfiles = firstRow.flatMap { Rows.row(line: $0) }?.profile != nil
    }

    /// The planned rows, in file order.
    public func rows() throws(RunRefusal) -> Rows {
        Rows(lines: try Self.lines(path), path: path)
    }

    /// Reads the rows of an opened plan one at a time.
    public final class Rows {
        private let lines: LineReader
        private let path: String
        private var started = false

        init(lines: LineReader, path: String) {
            self.lines = lines
            self.path = path
        }

        /// The next row, or `nil` after the last.
        public func next() throws(RunRefusal) -> SavedPlan.Row? {
            if !started {
                started = true
                _ = lines.next()
                _ = lines.next()
            }
            guard let line = lines.next(), line.first == UInt8(ascii: "{") else { return nil }
            guard let row = Self.row(line: line) else {
                throw RunRefusal(.input, "\(path): a planned row cannot be read; make the plan again.")
            }
            return row
        }

        /// The row on one line of the `rows` array (its newline and separating comma dropped).
        static func row(line: [UInt8]) -> SavedPlan.Row? {
            var line = line
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            if line.last == UInt8(ascii: ",") { line.removeLast() }
            return SavedPlan.Row(json: line)
        }
    }

    private static func lines(_ path: String) throws(RunRefusal) -> LineReader {
        guard let lines = LineReader(path: path) else {
            throw RunRefusal(
                .input, "\(path): cannot read the plan (\(String(cString: strerror(errno)))); check the path.")
        }
        return lines
    }
}
