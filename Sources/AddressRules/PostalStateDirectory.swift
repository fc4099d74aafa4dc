/// Where a postal code really is, for the countries where that is known for certain: each US ZIP
/// code's state(s) from a real postal database (`Generated/USZipStates+Data.swift`, written by
/// `scripts/generate-us-zip-states.sh`), and the province(s) of each first letter of a Canadian
/// postal code (Canada Post's forward sortation areas: the first letter names the province).
///
/// Only this evidence turns a postal code and state that disagree into an error; a prefix rule from
/// the address data alone gives a warning, since new codes appear every year.
public struct PostalStateDirectory: Sendable {
    /// The directory built from the shipped data.
    public static let shipped = PostalStateDirectory()

    /// What the evidence says of a postal code and a subdivision.
    public enum Evidence: Sendable, Equatable {
        /// The postal code is known there.
        case agrees
        /// The postal code is known, and only in these other subdivisions.
        case knownElsewhere([String])
        /// The data does not know this postal code.
        case unknown
    }

    /// One entry per ZIP code 00000–99999: 0 unknown, otherwise 1 + the index in `zipStateCodes`.
    private let zipStates: [UInt8]
    private let zipStateCodes: [String]
    private let multiStateZIPs: [Int: [String]]

    /// Canada Post: the provinces and territories each first letter serves.
    static let canadianFirstLetters: [Character: [String]] = [
        "A": ["NL"], "B": ["NS"], "C": ["PE"], "E": ["NB"], "G": ["QC"], "H": ["QC"], "J": ["QC"],
        "K": ["ON"], "L": ["ON"], "M": ["ON"], "N": ["ON"], "P": ["ON"], "R": ["MB"], "S": ["SK"],
        "T": ["AB"], "V": ["BC"], "X": ["NT", "NU"], "Y": ["YT"],
    ]
    /// Forward sortation areas that serve more than their letter's province: K1A, the federal
    /// government's, is used by federal offices in Gatineau (QC) as well as Ottawa (ON).
    static let canadianSharedAreas: [String: [String]] = ["K1A": ["ON", "QC"]]

    init() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
        var index = [UInt8](repeating: 0, count: 256)
        for (position, byte) in alphabet.enumerated() { index[Int(byte)] = UInt8(position + 1) }
        var states: [UInt8] = []
        states.reserveCapacity(100_000)
        for byte in usZipStateMap.utf8 where byte != UInt8(ascii: "\n") {
            states.append(byte == UInt8(ascii: ".") ? 0 : index[Int(byte)])
        }
        precondition(
            states.count == 100_000, "the generated ZIP map is damaged; rerun scripts/generate-us-zip-states.sh")
        zipStates = states
        zipStateCodes = usZipStateCodes
        var multi: [Int: [String]] = [:]
        for entry in usZipMultiState {
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let zip = Int(parts[0]) else { continue }
            multi[zip] = parts[1].split(separator: ",").map(String.init)
        }
        multiStateZIPs = multi
    }

    /// The evidence on `postalCode` (normalized) lying in `subdivision` of `country`.
    public func evidence(country: String, subdivision: String, postalCode: String) -> Evidence {
        switch country {
        case "US":
            guard let zip = Self.zip(postalCode) else { return .unknown }
            if multiStateZIPs[zip] == nil {
                let entry = zipStates[zip]
                if entry == 0 { return .unknown }
                if zipStateCodes[Int(entry) - 1] == subdivision { return .agrees }
            }
            guard let states = zipStates(postalCode) else { return .unknown }
            return states.contains(subdivision) ? .agrees : .knownElsewhere(states)
        case "CA":
            guard let letter = postalCode.first,
                let provinces = Self.canadianSharedAreas[String(postalCode.prefix(3))]
                    ?? Self.canadianFirstLetters[letter]
            else { return .unknown }
            return provinces.contains(subdivision) ? .agrees : .knownElsewhere(provinces)
        default:
            return .unknown
        }
    }

    /// The states of a US ZIP code (its first five digits), or `nil` when the data lacks it.
    public func zipStates(_ postalCode: String) -> [String]? {
        guard let zip = Self.zip(postalCode) else { return nil }
        if let states = multiStateZIPs[zip] { return states }
        let entry = zipStates[zip]
        return entry == 0 ? nil : [zipStateCodes[Int(entry) - 1]]
    }

    /// The ZIP code of a US postal code (its first five digits), or `nil`.
    private static func zip(_ postalCode: String) -> Int? {
        let digits = postalCode.utf8.prefix(5)
        guard digits.count == 5, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// Every ZIP code the data knows, with its states (for tests and the generator's figures).
    public var knownZIPs: [(zip: String, states: [String])] {
        zipStates.indices.compactMap { zip in
            let text = String(repeating: "0", count: 5 - String(zip).count) + String(zip)
            return zipStates(text).map { (text, $0) }
        }
    }
}
