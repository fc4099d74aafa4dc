import AddressRules
import JSONDocument

/// One line of the journal (JSON Lines). Keys are the log metadata keys: `line`, `customer`,
/// `correlationId`, `status`.
public enum JournalEntry: Sendable, Equatable {
    /// The first line: what the journal is about.
    case header(Header)
    /// A row is about to be written: durable before the PUT leaves.
    case intent(Intent)
    /// What became of a row: durable once the answer is in.
    case outcome(Outcome)
    /// A run ended with every row done.
    case complete(counts: [String: Int])
    /// `export`: a customer's row of the exported file, in the file's order.
    case exported(Exported)

    public struct Header: Sendable, Equatable {
        /// `export` for an export's journal; `nil` for `apply`'s (whose headers have no command).
        public var command: String?
        public var toolVersion: String
        public var inputSHA256: String
        public var input: String
        public var rows: Int
        public var started: String
    }

    public struct Exported: Sendable, Equatable {
        public var line: Int
        public var customer: String
        public var companyName: String?
        public var domain: String?
        public var address: AddressFields
    }

    public struct Intent: Sendable, Equatable {
        public var line: Int
        public var customer: String
        public var correlationId: String
        public var etag: String?
        public var before: AddressFields
        public var after: AddressFields
    }

    public struct Outcome: Sendable, Equatable {
        public var line: Int
        public var customer: String
        public var outcome: RowResult.Outcome
        public var correlationId: String?
        public var status: Int?
        public var code: String?
        public var message: String?
        /// Values Partner Center stored in another form than sent, by field.
        public var stored: AddressFields?
        /// The digest of what the input row asked for, when it came from an input row.
        public var input: String?
        /// The customer's company name, when the run read it.
        public var companyName: String?

        /// A failure that another run may not meet: no answer, 408, 429 or a 5xx. Resuming does
        /// such a row again; other outcomes are final.
        public var isTransientFailure: Bool { RowResult.isTransientFailure(outcome, status: status, code: code) }
    }

    /// The entry as one JSON line, without the line feed.
    public var json: [UInt8] {
        var object = JSONObject()
        switch self {
        case .header(let header):
            object["type"] = .string("header")
            object["tool"] = .string("billing-migrate")
            if let command = header.command { object["command"] = .string(command) }
            object["version"] = .string(header.toolVersion)
            object["inputSHA256"] = .string(header.inputSHA256)
            object["input"] = .string(header.input)
            object["rows"] = .number("\(header.rows)")
            object["started"] = .string(header.started)
        case .intent(let intent):
            object["type"] = .string("intent")
            object["line"] = .number("\(intent.line)")
            object["customer"] = .string(intent.customer)
            object["correlationId"] = .string(intent.correlationId)
            object["etag"] = intent.etag.map(JSONValue.string) ?? .null
            object["before"] = intent.before.jsonValue
            object["after"] = intent.after.jsonValue
        case .outcome(let outcome):
            object["type"] = .string("outcome")
            object["line"] = .number("\(outcome.line)")
            object["customer"] = .string(outcome.customer)
            object["outcome"] = .string(outcome.outcome.rawValue)
            if let value = outcome.correlationId { object["correlationId"] = .string(value) }
            if let value = outcome.status { object["status"] = .number("\(value)") }
            if let value = outcome.code { object["code"] = .string(value) }
            if let value = outcome.message { object["message"] = .string(value) }
            if let value = outcome.stored { object["stored"] = value.jsonValue }
            if let value = outcome.input { object["input"] = .string(value) }
            if let value = outcome.companyName { object["companyName"] = .string(value) }
        case .exported(let exported):
            object["type"] = .string("exported")
            object["line"] = .number("\(exported.line)")
            object["customer"] = .string(exported.customer)
            if let value = exported.companyName { object["companyName"] = .string(value) }
            if let value = exported.domain { object["domain"] = .string(value) }
            object["address"] = exported.address.jsonValue
        case .complete(let counts):
            object["type"] = .string("complete")
            object["counts"] = .object(
                JSONObject(counts.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number("\($0.value)")) }))
        }
        return JSONValue.object(object).serialized
    }

    /// Reads one journal line; `nil` for a line that is not a journal entry (a torn last line).
    public init?(json bytes: some Collection<UInt8>) {
        guard let object = (try? JSONValue(parsing: bytes))?.objectValue, let type = object["type"]?.stringValue
        else { return nil }
        func int(_ key: String) -> Int? { object[key]?.scalarText.flatMap { Int($0) } }
        func string(_ key: String) -> String? { object[key]?.stringValue }
        switch type {
        case "header":
            guard let hash = string("inputSHA256") else { return nil }
            self = .header(
                Header(
                    command: string("command"), toolVersion: string("version") ?? "", inputSHA256: hash,
                    input: string("input") ?? "",
                    rows: int("rows") ?? 0, started: string("started") ?? ""))
        case "intent":
            guard let line = int("line"), let customer = string("customer") else { return nil }
            self = .intent(
                Intent(
                    line: line, customer: customer, correlationId: string("correlationId") ?? "", etag: string("etag"),
                    before: AddressFields(json: object["before"]), after: AddressFields(json: object["after"])))
        case "outcome":
            guard let line = int("line"), let customer = string("customer"),
                let outcome = string("outcome").flatMap(RowResult.Outcome.init(rawValue:))
            else { return nil }
            self = .outcome(
                Outcome(
                    line: line, customer: customer, outcome: outcome, correlationId: string("correlationId"),
                    status: int("status"), code: string("code"), message: string("message"),
                    stored: object["stored"].map { AddressFields(json: $0) }, input: string("input"),
                    companyName: string("companyName")))
        case "exported":
            guard let line = int("line"), let customer = string("customer") else { return nil }
            self = .exported(
                Exported(
                    line: line, customer: customer, companyName: string("companyName"), domain: string("domain"),
                    address: AddressFields(json: object["address"])))
        case "complete":
            var counts: [String: Int] = [:]
            for member in object["counts"]?.objectValue?.members ?? [] {
                counts[member.key] = member.value.scalarText.flatMap { Int($0) }
            }
            self = .complete(counts: counts)
        default:
            return nil
        }
    }
}
