import Testing

@testable import AddressRules

@Suite("PostalPattern")
struct PostalPatternTests {
    @Test(
        "full matches follow regular-expression meaning",
        arguments: [
            ("\\d{5}(?:-\\d{4})?", "98052", true),
            ("\\d{5}(?:-\\d{4})?", "98052-1234", true),
            ("\\d{5}(?:-\\d{4})?", "98052 1234", false),
            ("\\d{5}(?:-\\d{4})?", "9805", false),
            ("[ABCEGHJ-NPRSTV-Z]\\d ?\\d", "K1 2", true),
            ("[ABCEGHJ-NPRSTV-Z]\\d ?\\d", "D1 2", false),
            ("GIR ?0AA|BFPO ?\\d{1,4}", "BFPO 61", true),
            ("GIR ?0AA|BFPO ?\\d{1,4}", "BFPO 12345", false),
            ("a|ab", "ab", true),
            ("(?:^|\\b)(?:1[0-2]|[1-9])\\d{2}(?:$|\\b)", "123", true),
            ("(?:^|\\b)(?:1[0-2]|[1-9])\\d{2}(?:$|\\b)", "1300", false),
            ("[^0-9]+", "AB", true),
            ("[^0-9]+", "A1", false),
        ])
    func fullMatch(pattern: String, text: String, expected: Bool) throws {
        #expect(try PostalPattern(pattern).matches(text) == expected)
    }

    @Test("prefix matches anchor at the start only")
    func prefixMatch() throws {
        let washington = try PostalPattern("98|99[0-4]")
        #expect(washington.matchesPrefix("98052"))
        #expect(washington.matchesPrefix("99402"))
        #expect(!washington.matchesPrefix("99502"))
        #expect(!washington.matchesPrefix("10001"))
    }

    @Test("syntax outside the subset is refused", arguments: ["(?=a)", "a{2", "[a", "\\p{L}", "*a", "(a"])
    func unsupported(pattern: String) {
        #expect(throws: PatternError.self) { try PostalPattern(pattern) }
    }
}
