import Foundation

/// Masks the tool's secrets in text that came from a server or an error, before it can reach a
/// log, the terminal, the journal or a report: a service that echoes the token form or the
/// `Authorization` header must not make the tool print what it was sent.
public struct Redactor: Sendable {
    /// The mask written in place of a secret.
    public static let mask = "[redacted]"

    private let secrets: [String]

    /// - Parameter secrets: the values to mask (tokens, client secret, refresh token); their
    ///   form-encoded spellings are masked too. Values under 6 characters are not masked (too
    ///   likely to occur by chance; no real secret is that short).
    public init(secrets: [String]) {
        var all: Set<String> = []
        for secret in secrets where secret.count >= 6 {
            all.insert(secret)
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { all.insert(encoded) }
        }
        self.secrets = all.sorted { $0.count > $1.count }
    }

    /// `text` with every secret, and whatever follows `Bearer `, masked.
    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingOccurrences(of: secret, with: Self.mask)
        }
        return Self.maskingBearer(result)
    }

    /// `text` with the credential after each `Bearer ` masked, whoever's it is.
    static func maskingBearer(_ text: String) -> String {
        guard text.range(of: "bearer ", options: .caseInsensitive) != nil else { return text }
        var result = ""
        var rest = text[...]
        while let range = rest.range(of: "bearer ", options: .caseInsensitive) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end = rest.firstIndex { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "," } ?? rest.endIndex
            if end > rest.startIndex, rest[rest.startIndex..<end] != Self.mask[...] {
                result += Self.mask
                rest = rest[end...]
            }
        }
        return result + rest
    }
}
