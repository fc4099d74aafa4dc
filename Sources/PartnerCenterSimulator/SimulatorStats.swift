import JSONDocument

/// What the simulator has seen, for tests and benchmarks to assert on (`GET /_sandbox/stats`).
public struct SimulatorStats: Sendable, Equatable {
    /// One request, as logged.
    public struct LoggedRequest: Sendable, Equatable {
        public var method: String
        public var route: String
        public var customerId: String?
        public var requestId: String?
        public var status: Int
    }

    /// Answers by route (`GET /v1/customers/{id}/profiles/billing`) and status.
    public var requests: [String: [Int: Int]] = [:]
    public var inFlight = 0
    public var peakInFlight = 0
    /// PUT requests that reached the profile handler, by customer.
    public var putsPerCustomer: [String: Int] = [:]
    /// PUTs that changed the stored profile, by customer.
    public var writesPerCustomer: [String: Int] = [:]
    /// PUTs refused for a stale or missing ETag (the one ``SimulatorConfiguration/etagIn`` enforces),
    /// whatever the ``SimulatorConfiguration/conflictStyle`` of the answer.
    public var stalePuts = 0
    /// PUTs that left out a field the stored profile had (other than the address fields a row may clear).
    public var droppedFieldPuts = 0
    /// Tokens issued by the token endpoint.
    public var tokensIssued = 0
    /// The audience (`resource`) each issued token was asked for, in order.
    public var tokenAudiences: [String] = []
    /// The most recent requests (at most ``logLimit``).
    public var log: [LoggedRequest] = []
    /// How many requests ``log`` keeps.
    public static let logLimit = 20_000

    /// Requests answered on `route` with `status`.
    public func count(_ route: String, status: Int) -> Int { requests[route]?[status] ?? 0 }

    /// All requests answered on `route`.
    public func count(_ route: String) -> Int { requests[route]?.values.reduce(0, +) ?? 0 }

    mutating func record(_ request: LoggedRequest) {
        requests[request.route, default: [:]][request.status, default: 0] += 1
        log.append(request)
        if log.count > Self.logLimit { log.removeFirst(log.count - Self.logLimit) }
    }

    /// The stats as JSON.
    public var json: JSONValue {
        var object = JSONObject()
        object["requests"] = .object(
            JSONObject(
                requests.sorted { $0.key < $1.key }.map { route, statuses in
                    .init(
                        key: route,
                        value: .object(
                            JSONObject(
                                statuses.sorted { $0.key < $1.key }.map {
                                    .init(key: "\($0.key)", value: .number("\($0.value)"))
                                })))
                }))
        object["inFlight"] = .number("\(inFlight)")
        object["peakInFlight"] = .number("\(peakInFlight)")
        object["stalePuts"] = .number("\(stalePuts)")
        object["droppedFieldPuts"] = .number("\(droppedFieldPuts)")
        object["tokensIssued"] = .number("\(tokensIssued)")
        object["putsPerCustomer"] = Self.counts(putsPerCustomer)
        object["writesPerCustomer"] = Self.counts(writesPerCustomer)
        object["log"] = .array(
            log.map { entry in
                var item = JSONObject()
                item["method"] = .string(entry.method)
                item["route"] = .string(entry.route)
                item["customerId"] = entry.customerId.map(JSONValue.string) ?? .null
                item["requestId"] = entry.requestId.map(JSONValue.string) ?? .null
                item["status"] = .number("\(entry.status)")
                return .object(item)
            })
        return .object(object)
    }

    private static func counts(_ values: [String: Int]) -> JSONValue {
        .object(JSONObject(values.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: .number("\($0.value)")) }))
    }
}
