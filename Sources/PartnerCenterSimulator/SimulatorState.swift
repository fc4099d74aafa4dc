import Foundation
import JSONDocument

/// The simulator's one piece of shared mutable state: profiles, tokens, the quota bucket, the
/// fault counters and the stats.
actor SimulatorState {
    struct StoredProfile {
        var document: JSONObject
        var version: Int
    }

    let configuration: SimulatorConfiguration
    private var profiles: [String: StoredProfile] = [:]
    private var tokens: [String: Duration] = [:]
    private var quotaTokens: Double
    private var quotaRefilledAt: Duration = .zero
    private var decisionCounters: [String: Int] = [:]
    private var editedAfterRead: Set<String> = []
    private var etagCounter: UInt64 = 0
    private(set) var stats = SimulatorStats()
    private let start = ContinuousClock.now

    init(configuration: SimulatorConfiguration) {
        self.configuration = configuration
        quotaTokens = Self.quotaCapacity(configuration)
        if let snapshot = configuration.snapshot {
            for customer in snapshot.customers {
                profiles[customer.customerId] = StoredProfile(document: customer.profile, version: 0)
            }
            etagCounter = snapshot.etagCounter
            return
        }
        let customers =
            configuration.seedCustomers
            ?? CustomerGenerator.customers(count: configuration.generatedCustomers, seed: configuration.seed)
        var counter: UInt64 = 0
        for customer in customers {
            counter += 1
            let etag = Self.etag(
                seed: configuration.seed, counter: counter, customerId: customer.customerId, version: 0)
            profiles[customer.customerId] = StoredProfile(
                document: Self.setting(etag, in: customer.profile), version: 0)
        }
        etagCounter = counter
    }

    var now: Duration { ContinuousClock.now - start }

    // MARK: Profiles

    func profile(_ customerId: String) -> StoredProfile? { profiles[customerId.lowercased()] }

    /// Every customer's ID, sorted.
    var customerIds: [String] { profiles.keys.sorted() }

    /// Every customer's profile as it stands, and the ETag counter.
    var snapshot: SimulatorSnapshot {
        SimulatorSnapshot(
            customers: profiles.sorted { $0.key < $1.key }.map {
                SeedCustomer(customerId: $0.key, profile: $0.value.document)
            },
            etagCounter: etagCounter)
    }

    /// Stores `document` as the customer's new profile, with a fresh ETag; returns it.
    func store(_ document: JSONObject, customerId: String) -> JSONObject {
        let id = customerId.lowercased()
        let version = (profiles[id]?.version ?? 0) + 1
        etagCounter += 1
        let etag = Self.etag(seed: configuration.seed, counter: etagCounter, customerId: id, version: version)
        let stored = Self.setting(etag, in: document)
        profiles[id] = StoredProfile(document: stored, version: version)
        stats.writesPerCustomer[id, default: 0] += 1
        return stored
    }

    /// Applies the configured other writer's edit once, after the customer's first read.
    func editAfterFirstRead(customerId: String) {
        let id = customerId.lowercased()
        guard let fields = configuration.editsAfterFirstRead[id], !editedAfterRead.contains(id) else { return }
        editedAfterRead.insert(id)
        _ = edit(customerId: id, fields: fields)
    }

    /// Changes address fields out of band, as another writer would.
    func edit(customerId: String, fields: JSONObject) -> JSONObject? {
        guard var stored = profiles[customerId.lowercased()] else { return nil }
        var address = stored.document[anyCase: "defaultAddress"]?.objectValue ?? JSONObject()
        for member in fields.members { address[anyCase: member.key] = member.value == .null ? nil : member.value }
        stored.document[anyCase: "defaultAddress"] = .object(address)
        return store(stored.document, customerId: customerId)
    }

    /// An opaque ETag of one of the two looks Partner Center uses: a number that may start with
    /// `-`, or base64 of JSON.
    private static func etag(seed: UInt64, counter: UInt64, customerId: String, version: Int) -> String {
        let draw = SeededGenerator.mix(seed ^ SeededGenerator.mix(counter))
        if draw & 1 == 0 { return "-\(draw >> 2)" }
        return Data("{\"id\":\"\(customerId)\",\"version\":\(version),\"n\":\(draw >> 40)}".utf8).base64EncodedString()
    }

    /// `document` with `attributes.etag` set to `etag`.
    private static func setting(_ etag: String, in document: JSONObject) -> JSONObject {
        var document = document
        var attributes = document[anyCase: "attributes"]?.objectValue ?? JSONObject()
        attributes[anyCase: "etag"] = .string(etag)
        document[anyCase: "attributes"] = .object(attributes)
        return document
    }

    // MARK: Tokens

    /// Issues a token for `audience` (the `resource` asked for), recorded in the stats.
    func issueToken(audience: String) -> (token: String, lifetime: Duration) {
        stats.tokenAudiences.append(audience)
        etagCounter += 1
        let token = "sim-\(SeededGenerator.mix(configuration.seed &+ etagCounter))-\(etagCounter)"
        tokens[token] = now + configuration.tokenLifetime
        stats.tokensIssued += 1
        return (token, configuration.tokenLifetime)
    }

    /// Ends every issued token's life now, as if an hour had passed.
    func expireTokens() {
        tokens.removeAll()
    }

    /// Whether `token` is one the simulator accepts right now.
    func isValid(token: String) -> Bool {
        if configuration.staticTokens.contains(token) { return true }
        guard let expiry = tokens[token] else { return false }
        return now < expiry
    }

    // MARK: Quota and faults

    /// Takes one request from the partner's quota; returns the seconds to wait when it is spent.
    func takeQuota() -> Int? {
        guard let perMinute = configuration.quotaPerMinute else { return nil }
        let rate = Double(perMinute) / 60
        let current = now
        let elapsed =
            Double((current - quotaRefilledAt).components.seconds)
            + Double((current - quotaRefilledAt).components.attoseconds) / 1e18
        quotaRefilledAt = current
        quotaTokens = min(Self.quotaCapacity(configuration), quotaTokens + elapsed * rate)
        if quotaTokens >= 1 {
            quotaTokens -= 1
            return nil
        }
        let wait = (1 - quotaTokens) / rate
        switch configuration.retryAfterRounding {
        case .up: return max(1, Int(wait.rounded(.up)))
        case .nearest: return Int(wait.rounded())
        }
    }

    private static func quotaCapacity(_ configuration: SimulatorConfiguration) -> Double {
        guard let perMinute = configuration.quotaPerMinute else { return 0 }
        return max(1, configuration.quotaBurst.map(Double.init) ?? Double(perMinute) / 60)
    }

    /// A draw in `0..<1` for the next request on `key`, fixed by the seed and the request's place.
    func draw(_ key: String) -> Double {
        let counter = decisionCounters[key, default: 0]
        decisionCounters[key] = counter + 1
        return SeededGenerator.unit(seed: configuration.seed, key: key, counter: counter)
    }

    // MARK: Stats

    func requestStarted() {
        stats.inFlight += 1
        stats.peakInFlight = max(stats.peakInFlight, stats.inFlight)
    }

    func requestFinished(_ request: SimulatorStats.LoggedRequest) {
        stats.inFlight -= 1
        stats.record(request)
    }

    func countPut(customerId: String, stale: Bool, droppedField: Bool) {
        stats.putsPerCustomer[customerId.lowercased(), default: 0] += 1
        if stale { stats.stalePuts += 1 }
        if droppedField { stats.droppedFieldPuts += 1 }
    }
}
