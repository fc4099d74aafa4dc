import Crypto
import Foundation

/// The SHA-256 of the input file, as the journal header records it: resuming with an edited file
/// is refused.
public enum InputDigest {
    /// The file's SHA-256 in lower-case hex.
    /// - Throws: ``InputError`` when the file cannot be read.
    public static func sha256(path: String) throws(InputError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw InputError(path: path, line: nil, "cannot read the file; check the path and its permissions.")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw InputError(path: path, line: nil, "cannot read the file (\(error)).")
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hex(hasher.finalize())
    }

    /// A digest in lower-case hex, as the journal and saved plans record it.
    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
