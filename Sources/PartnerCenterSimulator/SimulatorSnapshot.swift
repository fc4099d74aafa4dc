import JSONDocument

/// The simulator's customers as they stand, to start a later simulator where this one left off
/// (`--sandbox-state`): each profile with its ETag, and the ETag counter, so that the next write
/// gets an ETag never seen before.
public struct SimulatorSnapshot: Sendable, Equatable {
    public var customers: [SeedCustomer]
    public var etagCounter: UInt64

    public init(customers: [SeedCustomer], etagCounter: UInt64) {
        self.customers = customers
        self.etagCounter = etagCounter
    }

    /// The snapshot as a seed file with its counter: `{"etagCounter": N, "customers": [...]}`, a
    /// customer per line.
    public var json: [UInt8] {
        var bytes = Array("{\"etagCounter\":\(etagCounter),\"customers\":[\n".utf8)
        for (index, customer) in customers.enumerated() {
            var entry = JSONObject()
            entry["customerId"] = .string(customer.customerId)
            entry["profile"] = .object(customer.profile)
            bytes += JSONValue.object(entry).serialized
            bytes += Array((index == customers.count - 1 ? "\n" : ",\n").utf8)
        }
        bytes += Array("]}\n".utf8)
        return bytes
    }

    /// Reads a snapshot written by ``json``.
    /// - Throws: ``SeedFileError`` when it is not one.
    public static func load(json bytes: [UInt8]) throws -> SimulatorSnapshot {
        let document = try JSONValue(parsing: bytes)
        let customers = try SeedCustomer.load(document: document)
        guard let counter = document.objectValue?["etagCounter"]?.scalarText.flatMap(UInt64.init)
        else { throw SeedFileError(message: "a saved sandbox state needs its \"etagCounter\"") }
        return SimulatorSnapshot(customers: customers, etagCounter: counter)
    }
}
