import JSONDocument

/// Makes `count` customers across many countries, each with a valid billing address and the
/// fields a narrow model would drop (`addressLine3`, `district`, `extensionData`, a top-level
/// `billingAccountReference`), deterministically from a seed.
enum CustomerGenerator {
    private struct Place {
        let country: String
        let state: String?
        let city: String
        let postalCodes: [String]
        let phone: String?
    }

    private static let places: [Place] = [
        Place(country: "US", state: "WA", city: "Redmond", postalCodes: ["98052", "98053", "98033"], phone: nil),
        Place(country: "US", state: "NY", city: "New York", postalCodes: ["10001", "10118", "10017"], phone: nil),
        Place(country: "US", state: "TX", city: "Austin", postalCodes: ["73301", "78701", "78759"], phone: nil),
        Place(country: "CA", state: "ON", city: "Toronto", postalCodes: ["M5H 2N2", "M4W 1A8"], phone: nil),
        Place(country: "CA", state: "QC", city: "Montreal", postalCodes: ["H3Z 2Y7", "H2X 1Y4"], phone: nil),
        Place(country: "GB", state: nil, city: "London", postalCodes: ["SW1A 2AA", "EC1Y 8SY"], phone: nil),
        Place(country: "DE", state: nil, city: "Berlin", postalCodes: ["10117", "10115"], phone: nil),
        Place(country: "FR", state: nil, city: "Paris", postalCodes: ["75001", "75008"], phone: nil),
        Place(country: "MX", state: "JAL", city: "Guadalajara", postalCodes: ["44100", "44160"], phone: nil),
        Place(country: "AU", state: "NSW", city: "Sydney", postalCodes: ["2000", "2010"], phone: nil),
        Place(country: "JP", state: "Tokyo", city: "Chiyoda-ku", postalCodes: ["100-0001", "100-0005"], phone: nil),
        Place(
            country: "IN", state: "Karnataka", city: "Bengaluru", postalCodes: ["560001", "560034"],
            phone: "+91 80 4000 0000"),
        Place(
            country: "BR", state: "SP", city: "São Paulo", postalCodes: ["01310-100", "04538-133"],
            phone: "+55 11 4000 0000"),
        Place(
            country: "PL", state: nil, city: "Warszawa", postalCodes: ["00-001", "02-677"], phone: "+48 22 400 00 00"),
        Place(country: "NL", state: nil, city: "Amsterdam", postalCodes: ["1012 AB", "1017 CE"], phone: nil),
    ]

    private static let streets = ["Main Street", "High Street", "Market Road", "Station Road", "Park Avenue"]
    private static let names = ["Alex", "Sam", "Kim", "Ana", "Jon", "Mia", "Lee", "Eva"]

    static func customers(count: Int, seed: UInt64) -> [SeedCustomer] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in
            let id = guid(&random)
            let place = places[index % places.count]
            let first = names[Int(random.next() % UInt64(names.count))]
            let last = names[Int(random.next() % UInt64(names.count))] + "son"
            var address = JSONObject()
            address["country"] = .string(place.country)
            address["city"] = .string(place.city)
            if let state = place.state { address["state"] = .string(state) }
            address["addressLine1"] = .string("\(index % 900 + 1) \(streets[index % streets.count])")
            if index % 3 == 0 { address["addressLine2"] = .string("Suite \(index % 50 + 1)") }
            if index % 4 == 0 { address["addressLine3"] = .string("Building \(index % 7 + 1)") }
            if index % 5 == 0 { address["district"] = .string("District \(index % 9 + 1)") }
            address["postalCode"] = .string(place.postalCodes[index % place.postalCodes.count])
            address["firstName"] = .string(first)
            address["lastName"] = .string(last)
            address["phoneNumber"] = .string(place.phone ?? "425-555-\(zeroPadded(index % 10_000))")
            address["extensionData"] = .object(JSONObject([.init(key: "source", value: .string("crm"))]))
            var profile = JSONObject()
            profile["id"] = .string(guid(&random))
            profile["firstName"] = .string(first)
            profile["lastName"] = .string(last)
            profile["email"] = .string("billing\(index)@example.com")
            profile["culture"] = .string("en-US")
            profile["language"] = .string("en")
            profile["companyName"] = .string("Customer \(index) Ltd")
            profile["defaultAddress"] = .object(address)
            profile["billingAccountReference"] = .number("\(100_000 + index)")
            profile["links"] = .object(
                JSONObject([
                    .init(
                        key: "self",
                        value: .object(
                            JSONObject([
                                .init(key: "uri", value: .string("/v1/customers/\(id)/profiles/billing")),
                                .init(key: "method", value: .string("GET")), .init(key: "headers", value: .array([])),
                            ])))
                ]))
            profile["attributes"] = .object(
                JSONObject([
                    .init(key: "etag", value: .string("")),
                    .init(key: "objectType", value: .string("CustomerBillingProfile")),
                ]))
            return SeedCustomer(customerId: id, profile: profile)
        }
    }

    static func guid(_ random: inout SeededGenerator) -> String {
        let hex = Array("0123456789abcdef")
        var characters: [Character] = []
        var bits = random.next()
        var more = random.next()
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { characters.append("-") }
            if index == 16 { bits = more; more = 0 }
            characters.append(hex[Int(bits & 0xF)])
            bits >>= 4
        }
        return String(characters)
    }

    /// `value` with leading zeros to four digits.
    static func zeroPadded(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
