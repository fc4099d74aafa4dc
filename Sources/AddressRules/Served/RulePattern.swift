import Foundation

/// A pattern Partner Center serves (`postalCodeRegex`, `phoneNumberRegex`), compiled once.
///
/// Partner Center applies its patterns the .NET way (`Regex.IsMatch`): a match anywhere in the
/// value counts, so an unanchored pattern is searched for, never forced to cover the whole value.
/// A pattern anchored at both ends (`^…$`, the usual form) runs on the project's postal-pattern
/// machine when its syntax fits; anything else runs on `NSRegularExpression`.
public struct RulePattern: Sendable {
    /// What became of a served pattern.
    public enum Compiled: Sendable {
        /// No pattern: null, absent or blank. No constraint (never "match nothing").
        case none
        case pattern(RulePattern)
        /// Neither engine compiles it; the caller logs it once and skips the check.
        case unusable(source: String, reason: String)
    }

    /// The pattern as served.
    public let source: String
    private let engine: Engine

    private enum Engine: @unchecked Sendable {
        case machine(PostalPattern)
        // NSRegularExpression is immutable once made and documented as safe to use from any thread.
        case foundation(NSRegularExpression)
    }

    /// Compiles a served pattern.
    public static func compile(_ source: String?) -> Compiled {
        guard let source, !source.allSatisfy(\.isWhitespace) else { return .none }
        if source.hasPrefix("^"), source.hasSuffix("$"), !source.hasSuffix("\\$"),
            let machine = try? PostalPattern(source)
        {
            return .pattern(RulePattern(source: source, engine: .machine(machine)))
        }
        do {
            return .pattern(RulePattern(source: source, engine: .foundation(try NSRegularExpression(pattern: source))))
        } catch {
            return .unusable(source: source, reason: "\(error)")
        }
    }

    /// Whether Partner Center's check would accept `text`.
    public func matches(_ text: String) -> Bool {
        switch engine {
        case .machine(let pattern):
            return pattern.matches(text)
        case .foundation(let expression):
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            return expression.firstMatch(in: text, range: range) != nil
        }
    }
}
