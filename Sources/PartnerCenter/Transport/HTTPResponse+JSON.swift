import Foundation

/// Partner Center's responses as JSON text.
///
/// Microsoft's own clients strip a UTF-8 byte-order mark from Partner Center's answers (the REST
/// PowerShell module drops the first character of every body; the Java SDK's proxy notes "a byte
/// order mark coming on the beginning of the JSON response for some APIs"), so one is accepted
/// on every response. A body declared in another charset is an explicit error, not garbage.
extension HTTPResponse {
    /// The UTF-8 byte-order mark.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether the body started with a UTF-8 byte-order mark (before ``normalizedForJSON()``).
    public var hasByteOrderMark: Bool { body.starts(with: Self.byteOrderMark) }

    /// The charset named by `Content-Type`, lower case, if any.
    var declaredCharset: String? {
        guard let contentType = header("Content-Type") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset" else {
                continue
            }
            return parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""]).lowercased()
        }
        return nil
    }

    /// The response with a leading UTF-8 byte-order mark removed from its body.
    /// - Returns: `nil`, with the reason, when the body is declared in (or starts with the mark
    ///   of) an encoding other than UTF-8.
    func normalizedForJSON() -> (response: HTTPResponse, encodingProblem: String?) {
        if let charset = declaredCharset, !["utf-8", "utf8"].contains(charset) {
            return (self, "the body is in charset \(charset); the tool reads Partner Center's JSON as UTF-8 only")
        }
        if body.starts(with: [0xFF, 0xFE]) || body.starts(with: [0xFE, 0xFF]) {
            return (
                self,
                "the body is UTF-16 (byte-order mark \(body[0] == 0xFF ? "FF FE" : "FE FF")); the tool reads UTF-8 only"
            )
        }
        guard hasByteOrderMark else { return (self, nil) }
        var copy = self
        copy.body.removeFirst(Self.byteOrderMark.count)
        copy.hadByteOrderMark = true
        return (copy, nil)
    }
}
