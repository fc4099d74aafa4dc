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

    /// Found through the fuzz corpus (`n_number_leading_zero.json`; `scripts/fuzz.sh json`,
    /// minimized: `01`): the parser took a number with a leading zero, which RFC 8259 forbids,
    /// and the tool writes numbers back as read.
    @Test("a number with a leading zero is refused", arguments: ["01", "-01", "[00]", #"{"a":007}"#, "00.5", "01e2"])
    func leadingZero(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test(
        "zero, and numbers with zeros after their first digit, still parse",
        arguments: ["0", "-0", "0.05", "0e1", "-0.0E-0", "10", "100.001"])
    func zeros(text: String) throws {
        #expect(try JSONValue(parsing: text) == .number(text))
    }
}
