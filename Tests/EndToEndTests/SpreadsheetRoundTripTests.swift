import CSVReading
import Foundation
import JSONDocument
import PartnerCenterSimulator
import Testing

/// The workflow the README recommends, with customers stored as real tenants store them
/// (`samples/messy-customers.json`) and the files Excel saves: export, save, plan, edit, apply.
@Suite("The spreadsheet round trip: export, saved as Excel saves it, plan and apply")
struct SpreadsheetRoundTripTests {
    /// The export as Excel would save it after opening it, and the options that read it.
    struct Saved {
        let name: String
        let bytes: [UInt8]
        let options: [String]
    }

    static func start() async throws -> (RunningSimulator, URL) {
        var configuration = SimulatorConfiguration()
        let seed = try Data(contentsOf: URL(fileURLWithPath: ToolRunner.sample("messy-customers.json")))
        configuration.seedCustomers = try SeedCustomer.load(json: Array(seed))
        return (try await RunningSimulator.start(configuration), try temporaryDirectory())
    }

    /// The cells of a CSV file.
    static func cells(_ path: String) throws -> [[String]] {
        let reader = try CSVReader(path: path)
        var rows: [[String]] = []
        while let record = try reader.next() { rows.append(record.fields) }
        return rows
    }

    /// `rows` as lines, each cell quoted where it must be.
    static func text(_ rows: [[String]], delimiter: String) -> String {
        rows.map { row in
            row.map { cell in
                cell.contains(where: { $0 == "\"" || $0 == "\n" || $0 == "\r" || String($0) == delimiter })
                    ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: delimiter)
        }.joined(separator: "\r\n") + "\r\n"
    }

    /// What Excel writes for each save format, from the cells it read.
    static func saves(_ rows: [[String]]) throws -> [Saved] {
        let comma = text(rows, delimiter: ",")
        // "CSV (Comma delimited)" on a Western-European Windows: Windows-1252, no BOM, and a `?`
        // for what it cannot hold.
        let windows = try #require(comma.data(using: .windowsCP1252, allowLossyConversion: true))
        // "Unicode Text": UTF-16 LE with a BOM, tab-separated.
        let unicode = [0xFF, 0xFE] + Array(try #require(text(rows, delimiter: "\t").data(using: .utf16LittleEndian)))
        // A column of digits left as General: the leading zeros are gone.
        let numbers = rows.enumerated().map { index, row in
            index == 0
                ? row
                : row.map { cell in
                    cell.allSatisfy(\.isASCII) && cell.allSatisfy(\.isNumber) && cell.hasPrefix("0")
                        ? String(cell.drop { $0 == "0" }) : cell
                }
        }
        return [
            Saved(name: "CSV UTF-8", bytes: [0xEF, 0xBB, 0xBF] + Array(comma.utf8), options: []),
            Saved(name: "CSV (Comma delimited)", bytes: Array(windows), options: ["--encoding", "windows-1252"]),
            Saved(name: "Unicode Text", bytes: unicode, options: []),
            Saved(
                name: "leading zeros dropped", bytes: [0xEF, 0xBB, 0xBF] + Array(text(numbers, delimiter: ",").utf8),
                options: []),
        ]
    }

    @Test(
        "an unedited export plans no write in every format Excel saves; five edited cells, accents among them, apply exactly"
    )
    func roundTrip() async throws {
        let (simulator, folder) = try await Self.start()
        defer { Task { await simulator.stop() } }
        do {
            let connection = ["--endpoint", simulator.baseURL]
            let environment = SimulatorFixture.environment
            let export = folder.appendingPathComponent("export.csv").path
            let exported = try await ToolRunner.start(
                ["export", export, "--all"] + connection, environment: environment
            )
            .finish()
            #expect(exported.status == 0, "\(exported.stdout)\n\(exported.stderr)")
            let rows = try Self.cells(export)
            #expect(rows.count == 17)
            let ids = await simulator.customerIds()
            var before: [String: JSONObject] = [:]
            for id in ids { before[id] = await simulator.simulator.profile(id) }

            let saves = try Self.saves(rows)
            for save in saves {
                let path = folder.appendingPathComponent("\(save.name).csv").path
                try Data(save.bytes).write(to: URL(fileURLWithPath: path))
                let plan = try await ToolRunner.start(
                    ["plan", path] + save.options + connection, environment: environment
                )
                .finish()
                #expect(plan.status == 0, "\(save.name): \(plan.stdout)\n\(plan.stderr)")
                #expect(plan.summaryCount("would-change") == nil, "\(save.name): \(plan.stdout)")
                #expect(plan.summaryCount("unchanged") == 16, "\(save.name): \(plan.stdout)")
            }
            #expect(await simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 0)

            // Five cells edited in the Windows-1252 file, as a Western-European user would.
            let header = rows[0]
            let edits: [(customer: Int, field: String, value: String)] = [
                (1, "city", "Alcalá de Henares"), (12, "addressLine1", "Königstraße 2"), (13, "city", "Évry"),
                (15, "city", "Genève"), (16, "addressLine1", "Kärntner Straße 1"),
            ]
            var edited = rows
            for edit in edits {
                let column = try #require(header.firstIndex(of: edit.field))
                edited[edit.customer][column] = edit.value
            }
            let path = folder.appendingPathComponent("edited.csv").path
            try Data(
                try #require(Self.text(edited, delimiter: ",").data(using: .windowsCP1252, allowLossyConversion: true))
            )
            .write(to: URL(fileURLWithPath: path))
            let apply = try await ToolRunner.start(
                ["apply", path, "--encoding", "windows-1252", "--journal", folder.appendingPathComponent("j").path]
                    + connection, environment: environment
            ).finish()
            #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
            #expect(apply.summaryCount("applied") == 5, "\(apply.stdout)")
            #expect(await simulator.stats().count("PUT /v1/customers/{id}/profiles/billing") == 5)
            for id in ids {
                guard var now = await simulator.simulator.profile(id), var was = before[id] else {
                    Issue.record("\(id): missing")
                    continue
                }
                var expected = try #require(was["defaultAddress"]?.objectValue)
                for edit in edits where rows[edit.customer][0] == id { expected[edit.field] = .string(edit.value) }
                #expect(now["defaultAddress"]?.objectValue == expected, "\(id): only the edited fields changed")
                now["attributes"] = nil
                was["attributes"] = nil
                now["defaultAddress"] = nil
                was["defaultAddress"] = nil
                #expect(JSONValue.object(now).text == JSONValue.object(was).text, "\(id): nothing else changed")
            }
        }
    }

    @Test(
        "a plain export keeps fields added since it was made; export --snapshot removes them, restoring the addresses")
    func snapshotRestores() async throws {
        let (simulator, folder) = try await Self.start()
        defer { Task { await simulator.stop() } }
        let connection = ["--endpoint", simulator.baseURL]
        let environment = SimulatorFixture.environment
        func run(_ arguments: [String]) async throws -> ToolRunner.Output {
            try await ToolRunner.start(arguments + connection, environment: environment).finish()
        }
        let plain = folder.appendingPathComponent("plain.csv").path
        let snapshot = folder.appendingPathComponent("snapshot.csv").path
        #expect(try await run(["export", plain, "--all"]).status == 0)
        #expect(try await run(["export", snapshot, "--all", "--snapshot"]).status == 0)
        let ids = await simulator.customerIds().sorted()
        var before: [String: JSONValue] = [:]
        for id in ids { before[id] = await simulator.simulator.profile(id)?["defaultAddress"] }

        // A batch adds what the customers had no value for.
        let batch = folder.appendingPathComponent("batch.csv").path
        try "customerId,addressLine2,district\n\(ids[0]),Suite 9,\n\(ids[2]),,Centro\n"
            .write(toFile: batch, atomically: true, encoding: .utf8)
        let added = try await run(["apply", batch, "--journal", folder.appendingPathComponent("j1").path])
        #expect(added.summaryCount("applied") == 2, "\(added.stdout)\n\(added.stderr)")

        let kept = try await run(["apply", plain, "--journal", folder.appendingPathComponent("j2").path])
        #expect(kept.status == 0)
        #expect(kept.summaryCount("unchanged") == 16, "an empty cell keeps: \(kept.stdout)")
        let restored = try await run(["apply", snapshot, "--journal", folder.appendingPathComponent("j3").path])
        #expect(restored.status == 0, "\(restored.stdout)\n\(restored.stderr)")
        #expect(restored.summaryCount("applied") == 2, "\(restored.stdout)")
        for id in ids {
            let now = await simulator.simulator.profile(id)?["defaultAddress"]
            #expect(now == before[id], "\(id): the address is back as exported")
        }
    }
}
