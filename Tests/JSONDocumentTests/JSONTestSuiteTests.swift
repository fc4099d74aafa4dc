import Foundation
import JSONDocument
import Testing

/// Nicolas Seriot's JSONTestSuite (`Tests/Fixtures/JSONTestSuite`, see its README): every `y_`
/// document must parse and every `n_` document must be refused. The `i_` cases are left to each
/// parser and are not vendored.
@Suite("JSONTestSuite")
struct JSONTestSuiteTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/JSONTestSuite/test_parsing")

    /// The cases whose names start with `prefix`, sorted, with their bytes.
    static func cases(_ prefix: String) throws -> [(name: String, bytes: [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix(prefix) && $0.hasSuffix(".json") }
            .sorted()
            .map { name in (name, [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))) }
    }

    @Test("every y_ case parses, and its written text parses back to the same value")
    func accepted() throws {
        let cases = try Self.cases("y_")
        #expect(cases.count == 95)
        var refused: [String] = []
        var notRoundTripped: [String] = []
        for (name, bytes) in cases {
            do {
                let value = try JSONValue(parsing: bytes)
                if (try? JSONValue(parsing: value.serialized)) != value { notRoundTripped.append(name) }
            } catch {
                refused.append("\(name) (\(error))")
            }
        }
        #expect(refused.isEmpty, "refused: \(refused.joined(separator: ", "))")
        #expect(notRoundTripped.isEmpty, "written text does not read back: \(notRoundTripped.joined(separator: ", "))")
    }

    @Test("every n_ case is refused")
    func refused() throws {
        let cases = try Self.cases("n_")
        #expect(cases.count == 188)
        let accepted = cases.filter { (try? JSONValue(parsing: $0.bytes)) != nil }.map(\.name)
        #expect(accepted.isEmpty, "accepted: \(accepted.joined(separator: ", "))")
    }
}
