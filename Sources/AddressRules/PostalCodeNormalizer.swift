/// Puts a postal code into its country's written form: upper case, and separators placed as the
/// country's examples place them when exactly one such form matches the pattern
/// (`k1a0b1` -> `K1A 0B1`, `98052 1234` -> `98052-1234` under Partner Center's US pattern);
/// otherwise the code as given, or without separators, if that matches.
///
/// Works on bytes: postal patterns are ASCII, and this runs once per row.
struct PostalCodeNormalizer: Sendable {
    /// A written form: where separators stand, for codes of a given length without them.
    private struct Shape: Sendable, Equatable {
        let compactLength: Int
        let separators: [(offset: Int, byte: UInt8)]

        static func == (lhs: Shape, rhs: Shape) -> Bool {
            lhs.compactLength == rhs.compactLength
                && lhs.separators.elementsEqual(rhs.separators) { $0.offset == $1.offset && $0.byte == $1.byte }
        }
    }

    let pattern: PostalPattern
    private let shapes: [Shape]

    init(pattern: PostalPattern, examples: [String]) {
        self.pattern = pattern
        var shapes: [Shape] = []
        for example in examples {
            let bytes = Array(example.utf8)
            let separators = bytes.enumerated().filter { Self.isSeparator($0.element) }.map { ($0.offset, $0.element) }
            guard !separators.isEmpty else { continue }
            let shape = Shape(compactLength: bytes.count - separators.count, separators: separators)
            if !shapes.contains(shape) { shapes.append(shape) }
        }
        self.shapes = shapes
    }

    /// The normalized code, or `nil` when no form of `text` matches the pattern.
    func normalize(_ text: String) -> String? {
        var upper = Array(text.utf8)
        for index in upper.indices where upper[index] >= UInt8(ascii: "a") && upper[index] <= UInt8(ascii: "z") {
            upper[index] -= 0x20
        }
        let compact = upper.filter { !Self.isSeparator($0) }
        var found: [UInt8]?
        var ambiguous = false
        for shape in shapes where shape.compactLength == compact.count {
            var candidate = compact
            for (offset, byte) in shape.separators { candidate.insert(byte, at: offset) }
            guard pattern.matches(bytes: candidate) else { continue }
            if let found, found != candidate { ambiguous = true }
            found = candidate
        }
        if let found, !ambiguous { return String(decoding: found, as: UTF8.self) }
        if pattern.matches(bytes: upper) { return String(decoding: upper, as: UTF8.self) }
        return pattern.matches(bytes: compact) ? String(decoding: compact, as: UTF8.self) : nil
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-")
    }
}
