import Foundation
import FuzzTargets
import JSONDocument
import Testing

/// Runs each fuzz target over every file of its committed seed corpus, without sanitizers: the
/// targets keep building, and an input that once broke a parser keeps being tried.
@Suite("Fuzz corpus")
struct CorpusTests {
    /// `Tests/Fixtures/FuzzCorpus/TARGET/`.
    static func corpus(_ target: FuzzTargets.Target) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/FuzzCorpus/\(target.rawValue)")
    }

    @Test("every corpus file keeps every invariant of its target", arguments: FuzzTargets.Target.allCases)
    func corpusFiles(target: FuzzTargets.Target) throws {
        let directory = Self.corpus(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.count >= 10, "the \(target.rawValue) corpus is nearly empty")
        for name in names {
            let bytes = try Data(contentsOf: directory.appendingPathComponent(name))
            #expect(throws: Never.self, "\(target.rawValue)/\(name)") {
                try bytes.withUnsafeBytes { try FuzzTargets.check(target, $0) }
            }
        }
    }

    @Test("the JSON corpus's y_ documents parse and its n_ documents are refused")
    func jsonVerdicts() throws {
        let directory = Self.corpus(.json)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() {
            let bytes = [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
            if name.hasPrefix("y_") {
                #expect(throws: Never.self, "\(name)") { try JSONValue(parsing: bytes) }
            } else if name.hasPrefix("n_") {
                #expect(throws: JSONParseError.self, "\(name)") { try JSONValue(parsing: bytes) }
            }
        }
    }
}
