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
    func normalize(_ original: String) -> String? {
        var text = original
        let length = text.utf8.count
        guard length <= 64 else { return nil }
        return text.withUTF8 { input in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 3 * 64 + 8) { scratch in
                let upper = UnsafeMutableBufferPointer(rebasing: scratch[0..<length])
                var compactCount = 0
                let compactBase = 64
                for (index, byte) in input.enumerated() {
                    let folded = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte
                    upper[index] = folded
                    if !Self.isSeparator(folded) {
                        scratch[compactBase + compactCount] = folded
                        compactCount += 1
                    }
                }
                let compact = UnsafeMutableBufferPointer(rebasing: scratch[compactBase..<compactBase + compactCount])
                let candidateBase = 128
                // Each shape's candidate is built in the same scratch space, so a match is copied out.
                var found: [UInt8]?
                var ambiguous = false
                for shape in shapes where shape.compactLength == compactCount {
                    let length = compactCount + shape.separators.count
                    let candidate = UnsafeMutableBufferPointer(
                        rebasing: scratch[candidateBase..<candidateBase + length])
                    var source = 0
                    var separator = 0
                    for index in 0..<length {
                        if separator < shape.separators.count, shape.separators[separator].offset == index {
                            candidate[index] = shape.separators[separator].byte
                            separator += 1
                        } else {
                            candidate[index] = compact[source]
                            source += 1
                        }
                    }
                    guard pattern.matches(bytes: UnsafeBufferPointer(candidate)) else { continue }
                    if found != nil {
                        ambiguous = true
                        break
                    }
                    found = Array(candidate)
                }
                if let found, !ambiguous {
                    return found.elementsEqual(input) ? original : String(decoding: found, as: UTF8.self)
                }
                if pattern.matches(bytes: UnsafeBufferPointer(upper)) {
                    return String(decoding: UnsafeBufferPointer(upper), as: UTF8.self)
                }
                if pattern.matches(bytes: UnsafeBufferPointer(compact)) {
                    return String(decoding: UnsafeBufferPointer(compact), as: UTF8.self)
                }
                return nil
            }
        }
    }

    private static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-")
    }
}
