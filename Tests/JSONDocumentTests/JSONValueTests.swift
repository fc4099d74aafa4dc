import JSONDocument
import Testing

@Suite("JSONValue")
struct JSONValueTests {
    @Test("a document is written back exactly as read: member order, spelling and number literals kept")
    func roundTrip() throws {
        let text =
            #"{"Zeta":1,"alpha":{"etag":"-4242348048554929329","n":-0.50e+3},"list":[true,false,null,"é\n\"q\""],"big":12345678901234567890123}"#
        #expect(try JSONValue(parsing: text).text == text)
    }

    @Test("strings with escapes and surrogate pairs decode to the right text")
    func escapes() throws {
        let value = try JSONValue(parsing: #"["\u00e9\ud83d\ude00\/\t"]"#)
        #expect(value.arrayValue?.first?.stringValue == "é😀/\t")
    }

    @Test("members are found by exact key, or without regard to case")
    func keys() throws {
        var object = try #require(try JSONValue(parsing: #"{"AddressLine1":"a","city":"b"}"#).objectValue)
        #expect(object["addressLine1"] == nil)
        #expect(object[anyCase: "addressLine1"]?.stringValue == "a")
        object[anyCase: "addressLine1"] = .string("c")
        object[anyCase: "city"] = nil
        object["state"] = .string("WA")
        #expect(JSONValue.object(object).text == #"{"AddressLine1":"c","state":"WA"}"#)
    }

    @Test("scalar text reads codes sent as a string or a number")
    func scalarText() throws {
        #expect(try JSONValue(parsing: #"{"code":27002}"#).objectValue?["code"]?.scalarText == "27002")
        #expect(try JSONValue(parsing: #"{"code":"2055"}"#).objectValue?["code"]?.scalarText == "2055")
    }

    @Test("malformed documents are refused", arguments: [#"{"a":}"#, "[1,]", #""open"#, "01x", #"{"a":1} x"#, ""])
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }
}
