/// Puts a postal code into its country's written form where only one form fits: upper case, and
/// separators placed as the country's examples place them when exactly one such form matches;
/// otherwise the code as given, if it matches
/// (`k1a0b1` -> `K1A 0B1`, `980521234` -> `98052-1234` under Partner Center's US pattern).
enum PostalCodeNormalizer {
    /// The normalized code, or `nil` when no form of `text` matches `pattern`.
    static func normalize(_ text: String, pattern: PostalPattern, examples: [String]) -> String? {
        let upper = text.uppercased()
        let compact = upper.filter { $0 != " " && $0 != "-" }
        var candidates: Set<String> = []
        for example in examples {
            let separators = example.enumerated().filter { $0.element == " " || $0.element == "-" }
            guard example.count - separators.count == compact.count, !separators.isEmpty else { continue }
            var candidate = Array(compact)
            for (offset, separator) in separators { candidate.insert(separator, at: offset) }
            let text = String(candidate)
            if pattern.matches(text) { candidates.insert(text) }
        }
        if candidates.count == 1 { return candidates.first }
        if pattern.matches(upper) { return upper }
        return pattern.matches(compact) ? compact : nil
    }
}
