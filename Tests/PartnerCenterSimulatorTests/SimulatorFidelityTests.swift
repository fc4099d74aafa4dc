import Foundation
import JSONDocument
import PartnerCenter
import PartnerCenterSimulator
import Testing

@Suite("Simulator: fidelity modes, as a client sees them over HTTP")
struct SimulatorFidelityTests {
    @Test("--bom: every JSON answer of Partner Center's routes, success or error, starts with EF BB BF")
    func byteOrderMark() async throws {
        let harness = try await Harness.start { $0.bom = true }
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        let read = try await harness.send("GET", harness.profilePath(id))
        #expect(Array(read.body.prefix(4)) == [0xEF, 0xBB, 0xBF, UInt8(ascii: "{")])
        let profile = try #require(try JSONValue(parsing: read.body.dropFirst(3)).objectValue)
        let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
        let answers = [
            try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
                body: JSONValue.object(profile).text),
            try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", "\"-1\"")], body: JSONValue.object(profile).text),
            try await harness.send("GET", harness.profilePath("11111111-2222-3333-4444-555555555555")),
            try await harness.send("GET", harness.profilePath(id), token: nil),
            try await harness.send("GET", "/v1/countryvalidationrules/UK"),
        ]
        #expect(answers.map(\.status) == [200, 412, 404, 401, 400])
        for answer in answers {
            #expect(Array(answer.body.prefix(4)) == [0xEF, 0xBB, 0xBF, UInt8(ascii: "{")], "\(answer.status)")
            #expect(answer.header("Content-Length") == "\(answer.body.count)")
        }
        #expect(try await harness.send("GET", "/_sandbox/stats", token: nil).body.first == UInt8(ascii: "{"))

        let plain = try await Harness.start()
        defer { Task { await plain.stop() } }
        #expect(try await plain.send("GET", plain.profilePath(id)).body.first == UInt8(ascii: "{"))
    }

    @Test("--conflict-style: a stale ETag is 412 / 800036 by default, or 409 / 800064, or 400 / 2055")
    func conflictStyles() async throws {
        let expected: [(SimulatorConfiguration.ConflictStyle, status: Int, code: String, description: String)] = [
            (.preconditionFailed, 412, "800036", "Pre-condition failed"),
            (.conflict, 409, "800064", "is being processed by another request"),
            (.etagNoLongerValid, 400, "2055", "Etag is no longer valid"),
        ]
        #expect(SimulatorConfiguration().conflictStyle == .preconditionFailed)
        for (style, status, code, description) in expected {
            let harness = try await Harness.start { $0.conflictStyle = style }
            let id = try #require(await harness.simulator.customerIds().first)
            let (profile, _) = try await read(harness, id)
            let answer = try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", "\"-1\"")], body: JSONValue.object(profile).text)
            #expect(answer.status == status)
            let body = try harness.json(answer)
            #expect(body.keys == ["code", "description", "data", "source"])
            #expect(body["code"] == .number(code))
            #expect(body["description"]?.stringValue?.contains(description) == true, "\(body)")
            #expect(body["data"] == .array([]))
            #expect(body["source"] == .string("PartnerFD"))
            #expect(await harness.simulator.stats().stalePuts == 1)
            #expect(try await read(harness, id).profile == profile, "nothing was stored")
            await harness.stop()
        }
    }

    @Test("--etag-in: which of If-Match and attributes.etag a PUT is held to")
    func etagIn() async throws {
        // (mode, status with a wrong If-Match and the right body ETag, status with the right If-Match
        // and a wrong body ETag)
        let expected: [(SimulatorConfiguration.ETagSource, wrongHeader: Int, wrongBody: Int)] = [
            (.header, 412, 200), (.body, 200, 412), (.both, 412, 412), (.ignored, 200, 200),
        ]
        #expect(SimulatorConfiguration().etagIn == .both)
        for (mode, wrongHeader, wrongBody) in expected {
            let harness = try await Harness.start { $0.etagIn = mode }
            let id = try #require(await harness.simulator.customerIds().first)
            let cases: [(header: String?, bodyIsRight: Bool, status: Int)] = [
                ("\"-1\"", true, wrongHeader), (nil, false, wrongBody),
            ]
            for (header, bodyIsRight, status) in cases {
                let (profile, etag) = try await read(harness, id)
                let city = "City \(mode) \(status)"
                var document = profile
                var address = try #require(document["defaultAddress"]?.objectValue)
                address["city"] = .string(city)
                document["defaultAddress"] = .object(address)
                if !bodyIsRight {
                    var attributes = try #require(document["attributes"]?.objectValue)
                    attributes["etag"] = .string("-1")
                    document["attributes"] = .object(attributes)
                }
                let answer = try await harness.send(
                    "PUT", harness.profilePath(id), headers: [("If-Match", header ?? "W/\"\(etag)\"")],
                    body: JSONValue.object(document).text)
                #expect(answer.status == status, "\(mode), wrong \(header == nil ? "body" : "header")")
                let stored = try await read(harness, id).profile["defaultAddress"]?.objectValue?["city"]
                #expect((stored == .string(city)) == (status == 200), "\(mode): stored only when answered 200")
            }
            let stale = [wrongHeader, wrongBody].filter { $0 == 412 }.count
            #expect(await harness.simulator.stats().stalePuts == stale, "\(mode)")
            await harness.stop()
        }
        let lastWriterWins = try await Harness.start { $0.etagIn = .ignored }
        defer { Task { await lastWriterWins.stop() } }
        let id = try #require(await lastWriterWins.simulator.customerIds().first)
        let (profile, _) = try await read(lastWriterWins, id)
        let unconditional = try await lastWriterWins.send(
            "PUT", lastWriterWins.profilePath(id), body: JSONValue.object(profile).text)
        #expect(unconditional.status == 200, "none: a PUT without If-Match is stored too")
    }

    @Test("--merge-puts: absent address fields stay, null removes; in both modes a null is never stored or echoed")
    func mergingPuts() async throws {
        for merge in [true, false] {
            let harness = try await Harness.start { $0.mergePuts = merge }
            var found: (id: String, profile: JSONObject, address: JSONObject)?
            for id in await harness.simulator.customerIds() where found == nil {
                let (profile, _) = try await read(harness, id)
                let address = try #require(profile["defaultAddress"]?.objectValue)
                if address["addressLine2"] != nil, address["district"] != nil { found = (id, profile, address) }
            }
            let (id, profile, address) = try #require(found)
            var sent = address
            if merge {
                sent = JSONObject([
                    .init(key: "city", value: .string("Merged")), .init(key: "addressLine2", value: .null),
                ])
            } else {
                sent["city"] = .string("Merged")
                sent["addressLine2"] = .null
                sent["district"] = nil
            }
            var document = profile
            document["defaultAddress"] = .object(sent)
            let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
            let answer = try await harness.send(
                "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
                body: JSONValue.object(document).text)
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            let after = try await harness.send("GET", harness.profilePath(id))
            for response in [answer, after] {
                #expect(!String(decoding: response.body, as: UTF8.self).contains("null"))
                let stored = try #require(try harness.json(response)["defaultAddress"]?.objectValue)
                #expect(stored["city"] == .string("Merged"))
                #expect(stored["addressLine2"] == nil)
                #expect(stored["district"] == (merge ? address["district"] : nil), "merge: \(merge)")
                #expect(stored["addressLine1"] == address["addressLine1"])
            }
            await harness.stop()
        }
    }

    @Test("--normalize: city, state and postal code are stored upper-cased with spaces collapsed, and read so")
    func normalizedValues() async throws {
        let harness = try await Harness.start { $0.normalizeStoredValues = true }
        defer { Task { await harness.stop() } }
        var canadian: (id: String, profile: JSONObject)?
        for id in await harness.simulator.customerIds() where canadian == nil {
            let (profile, _) = try await read(harness, id)
            if profile["defaultAddress"]?.objectValue?["country"] == .string("CA") { canadian = (id, profile) }
        }
        let (id, profile) = try #require(canadian)
        var document = profile
        var address = try #require(document["defaultAddress"]?.objectValue)
        address["addressLine1"] = .string("1  King  Street West")
        address["city"] = .string("north   york")
        address["state"] = .string("on")
        address["postalCode"] = .string("m5h   2n2")
        document["defaultAddress"] = .object(address)
        let etag = try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue)
        let answer = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
            body: JSONValue.object(document).text)
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        for response in [answer, try await harness.send("GET", harness.profilePath(id))] {
            let stored = try #require(try harness.json(response)["defaultAddress"]?.objectValue)
            #expect(stored["city"] == .string("NORTH YORK"))
            #expect(stored["state"] == .string("ON"))
            #expect(stored["postalCode"] == .string("M5H 2N2"))
            #expect(stored["addressLine1"] == .string("1  King  Street West"), "other fields are stored as sent")
        }
    }

    @Test("--validation-status: every address validation answers the status with its documented suggestions")
    func validationStatuses() async throws {
        let suggestions: [SimulatorConfiguration.AddressValidationStatus: Int] = [
            .verifiedShippable: 1, .verified: 1, .interactionRequired: 1, .streetPartial: 3, .premisesPartial: 3,
            .multiple: 3, .wrongAddress: 0, .notValidated: 0,
        ]
        let address =
            #"{"addressLine1":"1 Microsoft Way","city":"Redmond","state":"WA","postalCode":"98052","country":"US"}"#
        for status in SimulatorConfiguration.AddressValidationStatus.allCases {
            let harness = try await Harness.start { $0.addressValidationStatus = status }
            let answer = try harness.json(try await harness.send("POST", "/v1/validations/address", body: address))
            #expect(answer["status"] == .string(status.rawValue))
            #expect(answer["suggestedAddresses"]?.arrayValue?.count == suggestions[status], "\(status)")
            #expect(answer["originalAddress"] == .object(try #require(try JSONValue(parsing: address).objectValue)))
            let verified = status == .verified || status == .verifiedShippable
            #expect((answer["validationMessage"] == nil) == verified, "\(status)")
            await harness.stop()
        }
        #expect(
            SimulatorConfiguration.AddressValidationStatus.allCases.map(\.rawValue) == [
                "VerifiedShippable", "Verified", "InteractionRequired", "StreetPartial", "PremisesPartial", "Multiple",
                "None", "NotValidated",
            ])
    }

    @Test("MS-RequestId and MS-CorrelationId are echoed on every answer; a missing request ID is made")
    func requestIds() async throws {
        let ids: [(name: String, value: String)] = [
            ("MS-RequestId", "ff85f13a-eb65-4b8e-9b67-05beb0565410"), ("MS-CorrelationId", "c-42"),
        ]
        func expectEchoed(_ response: HTTPResponse, _ label: String) {
            #expect(response.header("MS-RequestId") == ids[0].value, "\(label)")
            #expect(response.header("MS-CorrelationId") == ids[1].value, "\(label)")
        }
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        let (profile, _) = try await read(harness, id)
        let answers = [
            ("200", try await harness.send("GET", harness.profilePath(id), headers: ids)),
            (
                "412",
                try await harness.send(
                    "PUT", harness.profilePath(id), headers: ids, body: JSONValue.object(profile).text)
            ),
            ("404", try await harness.send("GET", harness.profilePath("1-2-3-4-5"), headers: ids)),
            ("401", try await harness.send("GET", harness.profilePath(id), token: nil, headers: ids)),
            ("no route", try await harness.send("GET", "/v1/nothing/here", headers: ids)),
            ("token", try await harness.send("POST", "/t/oauth2/token", token: nil, headers: ids, body: "x=y")),
        ]
        for (label, answer) in answers { expectEchoed(answer, label) }
        let unnamed = try await harness.send("GET", harness.profilePath(id))
        #expect(UUID(uuidString: unnamed.header("MS-RequestId") ?? "") != nil, "a GUID is made for the request")
        #expect(unnamed.header("MS-CorrelationId") == nil)

        let throttled = try await Harness.start { $0.faults.throttleRate = 1 }
        let limited = try await throttled.send("GET", throttled.profilePath(id), headers: ids)
        #expect(limited.status == 429)
        expectEchoed(limited, "429")
        await throttled.stop()
        let failing = try await Harness.start { $0.faults.serverErrorRate = 1 }
        let failed = try await failing.send("GET", failing.profilePath(id), headers: ids)
        #expect((500...504).contains(failed.status))
        expectEchoed(failed, "5xx")
        await failing.stop()
    }

    @Test("--empty-put-answer: a successful PUT answers 200 with an empty body; the write is stored")
    func emptyPutAnswer() async throws {
        let harness = try await Harness.start { $0.emptyPutAnswer = true }
        defer { Task { await harness.stop() } }
        let id = try #require(await harness.simulator.customerIds().first)
        let (profile, etag) = try await read(harness, id)
        var document = profile
        var address = try #require(document["defaultAddress"]?.objectValue)
        address["city"] = .string("Quiet")
        document["defaultAddress"] = .object(address)
        let answer = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
            body: JSONValue.object(document).text)
        #expect(answer.status == 200)
        #expect(answer.body.isEmpty)
        let (after, rotated) = try await read(harness, id)
        #expect(after["defaultAddress"]?.objectValue?["city"] == .string("Quiet"))
        #expect(rotated != etag)
        let stale = try await harness.send(
            "PUT", harness.profilePath(id), headers: [("If-Match", "\"\(etag)\"")],
            body: JSONValue.object(document).text)
        #expect(stale.status == 412 && !stale.body.isEmpty, "errors keep their bodies")
    }

    /// The customer's profile as a GET answers it, and its ETag.
    private func read(_ harness: Harness, _ id: String) async throws -> (profile: JSONObject, etag: String) {
        let profile = try harness.json(try await harness.send("GET", harness.profilePath(id)))
        return (profile, try #require(profile["attributes"]?.objectValue?["etag"]?.stringValue))
    }
}
