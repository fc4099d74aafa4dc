import Foundation
import Testing

@testable import CSVReading

/// Reads every record of `text` (or `bytes`), with the given options.
private func readAll(_ bytes: [UInt8], _ configure: (inout CSVReader.Options) -> Void = { _ in }) throws -> [CSVRecord]
{
    var options = CSVReader.Options()
    configure(&options)
    let reader = CSVReader(bytes: bytes, name: "test.csv", options: options)
    var records: [CSVRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

private func readAll(_ text: String, _ configure: (inout CSVReader.Options) -> Void = { _ in }) throws -> [CSVRecord] {
    try readAll(Array(text.utf8), configure)
}

@Suite("CSVReader")
struct CSVReaderTests {
    /// What Excel saves, as text: accents, a quoted comma, a euro sign, CRLF.
    static let excelText = "customerId,city,name\r\na,Zürich,\"Müller, Zoë\"\r\nb,São Paulo,Société €5\r\n"
    static let excelRecords = [
        ["customerId", "city", "name"], ["a", "Zürich", "Müller, Zoë"], ["b", "São Paulo", "Société €5"],
    ]

    static func utf16(_ text: String, bigEndian: Bool = false, bom: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = bom ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let pair = [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            bytes += bigEndian ? pair.reversed() : pair
        }
        return bytes
    }

    @Test("Windows-1252 and Latin-1 files read as the text they hold, with --encoding; chunk edges change nothing")
    func eightBitEncodings() throws {
        let windows = Array(Self.excelText.unicodeScalars.map { $0 == "€" ? 0x80 : UInt8($0.value) })
        for chunk in [4, 7, 64 * 1024] {
            let records = try readAll(windows) {
                $0.encoding = .windows1252
                $0.chunkSize = chunk
            }
            #expect(records.map(\.fields) == Self.excelRecords, "chunk \(chunk)")
        }
        let latin = try readAll(Array("a,Zoë\n".unicodeScalars.map { UInt8($0.value) })) { $0.encoding = .latin1 }
        #expect(latin.map(\.fields) == [["a", "Zoë"]])
    }

    @Test("UTF-16 with a byte order mark is read whatever --encoding says; Excel's tab-separated Unicode Text too")
    func utf16() throws {
        for bigEndian in [false, true] {
            for chunk in [3, 5, 64 * 1024] {
                let records = try readAll(Self.utf16(Self.excelText, bigEndian: bigEndian)) { $0.chunkSize = chunk }
                #expect(records.map(\.fields) == Self.excelRecords, "big-endian \(bigEndian), chunk \(chunk)")
            }
        }
        let unicodeText = Self.utf16("customerId\tcity\r\na\tZürich, Bahnhofstr.\r\n😀\tb\r\n")
        let reader = CSVReader(bytes: unicodeText, name: "t.txt", options: .init())
        var records: [CSVRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.map(\.fields) == [["customerId", "city"], ["a", "Zürich, Bahnhofstr."], ["😀", "b"]])
        #expect(reader.encoding == .utf16)
        #expect(reader.splitsOnTabs)
        let noMark = try readAll(Self.utf16("a,b\n", bom: false)) { $0.encoding = .utf16 }
        #expect(noMark.map(\.fields) == [["a", "b"]])
    }

    @Test("a UTF-16 unit cut at the end of the file, or a lone surrogate, reads as U+FFFD, never as lost text")
    func brokenUTF16() throws {
        let cut = try readAll(Self.utf16("a,b\n") + [0x41])
        #expect(cut.map(\.fields) == [["a", "b"], ["\u{FFFD}"]])
        let lone = try readAll(
            [0xFF, 0xFE] + Array("a,".utf16.flatMap { [UInt8($0), 0] }) + [0x00, 0xD8, 0x62, 0x00])
        #expect(lone.map(\.fields) == [["a", "\u{FFFD}b"]])
    }
    @Test("plain records carry the line they start on")
    func plainRecords() throws {
        let records = try readAll("customerId,city\na,Redmond\nb,Oslo\n")
        #expect(records.map(\.fields) == [["customerId", "city"], ["a", "Redmond"], ["b", "Oslo"]])
        #expect(records.map(\.line) == [1, 2, 3])
    }

    @Test("a leading byte order mark is not part of the first header name")
    func byteOrderMark() throws {
        let records = try readAll([0xEF, 0xBB, 0xBF] + Array("customerId,city\nx,y\n".utf8))
        #expect(records[0].fields == ["customerId", "city"])
    }

    @Test("CRLF line ends give the same records and line numbers as LF")
    func crlf() throws {
        let records = try readAll("h1,h2\r\na,b\r\n\r\nc,d\r\n")
        #expect(records.map(\.fields) == [["h1", "h2"], ["a", "b"], ["c", "d"]])
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test("quoted fields keep commas, doubled quotes and newlines")
    func quotedFields() throws {
        let records = try readAll("h1,h2\n\"Suite 5, Floor 2\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\n")
        #expect(records[1].fields == ["Suite 5, Floor 2", "say \"hi\""])
        #expect(records[2].fields == ["two\nlines", "x"])
        #expect(records[2].line == 3)
    }

    @Test("a record after a multi-line field is numbered by its own line")
    func lineAfterMultilineField() throws {
        let records = try readAll("h1,h2\na,\"one\ntwo\nthree\"\nb,c\n")
        #expect(records.map(\.line) == [1, 2, 5])
    }

    @Test("blank lines and rows of empty cells are skipped but still counted")
    func blankLines() throws {
        let records = try readAll("h1,h2\n\n   \n,\nb,c\n")
        #expect(records.map(\.fields) == [["h1", "h2"], ["b", "c"]])
        #expect(records.map(\.line) == [1, 5])
    }

    @Test("the last record needs no line feed")
    func noFinalNewline() throws {
        let records = try readAll("h1,h2\na,b")
        #expect(records.map(\.fields) == [["h1", "h2"], ["a", "b"]])
    }

    @Test("a custom delimiter splits fields and leaves commas alone", arguments: [";", "\t"])
    func delimiter(delimiter: String) throws {
        let records = try readAll("h1\(delimiter)h2\na,b\(delimiter)c\n") { $0.delimiter = Array(delimiter.utf8)[0] }
        #expect(records[1].fields == ["a,b", "c"])
    }

    @Test("a field over the size limit fails its record, not the file")
    func oversizedField() throws {
        let big = String(repeating: "x", count: 5000)
        let records = try readAll("h1,h2\na,\(big)\nb,c\n")
        #expect(records[1].problems == [.fieldTooLarge(column: 1, bytes: 5000, limit: 4096)])
        #expect(records[1].fields == ["a", ""])
        #expect(records[2].fields == ["b", "c"])
        #expect(records[2].problems.isEmpty)
    }

    @Test("invalid UTF-8 and NUL bytes are named by column and line")
    func invalidBytes() throws {
        let bytes =
            Array("h1,h2\n".utf8) + [UInt8(ascii: "a"), UInt8(ascii: ","), 0xC3, 0x28, 0x0A]
            + Array("b,".utf8) + [0x78, 0x00, 0x79, 0x0A] + Array("c,d\n".utf8)
        let records = try readAll(bytes)
        #expect(records[1].line == 2)
        #expect(records[1].problems == [.invalidUTF8(column: 1)])
        #expect(records[2].line == 3)
        #expect(records[2].problems == [.nulByte(column: 1)])
        #expect(records[3].fields == ["c", "d"])
    }

    @Test("an unterminated quote is reported at the line where it opened")
    func unterminatedQuote() throws {
        let reader = CSVReader(bytes: Array("h1,h2\na,b\nc,\"open\nmore\nstill\n".utf8), name: "in.csv")
        #expect(try reader.next()?.line == 1)
        #expect(try reader.next()?.line == 2)
        #expect(throws: CSVError(.unterminatedQuote(line: 3), path: "in.csv")) { try reader.next() }
    }

    @Test(
        "a quoted cell longer than the buffer, closed many lines later, fails its row and the rest is read",
        arguments: [4, 7, 64, 64 * 1024])
    func longQuotedCell(chunkSize: Int) throws {
        let cell = "\"" + String(repeating: "filler, with \"\"quotes\"\"\n", count: 200) + "\""
        let text = "h1,h2\nid1," + cell + ",tail\nid2,ok\n"
        let records = try readAll(text) {
            $0.chunkSize = chunkSize
            $0.maxFieldBytes = 100
            $0.bufferedFieldBytes = 1000
        }
        #expect(records.count == 3)
        #expect(records[1].line == 2)
        #expect(records[1].fields == ["id1", ""])
        #expect(records[1].problems == [.fieldTooLarge(column: 1, bytes: 1001, limit: 100)])
        #expect(records[2] == CSVRecord(line: 203, fields: ["id2", "ok"]))
    }

    @Test(
        "an unquoted cell longer than the buffer fails its row; the next line is read", arguments: [5, 64, 64 * 1024])
    func longUnquotedCell(chunkSize: Int) throws {
        let text = "h1,h2\nid1," + String(repeating: "x", count: 5000) + ",more\nid2,ok"
        let records = try readAll(text) {
            $0.chunkSize = chunkSize
            $0.bufferedFieldBytes = 4096
        }
        #expect(records.map(\.fields) == [["h1", "h2"], ["id1", ""], ["id2", "ok"]])
        #expect(records[1].problems == [.fieldTooLarge(column: 1, bytes: 4097, limit: 4096)])
        #expect(records[2].line == 3)
    }

    @Test("a cell over the field limit but within the buffer is measured exactly and the row keeps its cells")
    func cellWithinBuffer() throws {
        let records = try readAll("h1,h2,h3\nid1," + String(repeating: "x", count: 5000) + ",more\n")
        #expect(records[1].fields == ["id1", "", "more"])
        #expect(records[1].problems == [.fieldTooLarge(column: 1, bytes: 5000, limit: 4096)])
    }

    @Test("an unterminated quote is still reported at its line, after the reader skipped to the end")
    func runawayQuote() throws {
        let text = "h1,h2\nc,\"open\n" + String(repeating: "filler line\n", count: 200)
        let reader = CSVReader(
            bytes: Array(text.utf8), name: "in.csv",
            options: {
                var options = CSVReader.Options()
                options.maxFieldBytes = 100
                options.bufferedFieldBytes = 1000
                options.chunkSize = 64
                return options
            }())
        _ = try reader.next()
        #expect(try reader.next()?.problems == [.fieldTooLarge(column: 1, bytes: 1001, limit: 100)])
        #expect(throws: CSVError(.unterminatedQuote(line: 2), path: "in.csv")) { try reader.next() }
    }

    @Test("a record keeps at most the field limit's number of fields; more fail it", arguments: [3, 64])
    func tooManyFields(chunkSize: Int) throws {
        let text = "h1,h2\n" + String(repeating: "a,", count: 50) + "a\nid2,ok\n"
        let records = try readAll(text) {
            $0.chunkSize = chunkSize
            $0.maxFieldsPerRecord = 10
        }
        #expect(records[1].count == 10)
        #expect(records[1].problems == [.tooManyFields(limit: 10)])
        #expect(records[2] == CSVRecord(line: 3, fields: ["id2", "ok"]))
    }

    @Test("a stray quote fails its record and the next line is read normally")
    func strayQuote() throws {
        let records = try readAll("h1,h2\na,b\"c\nd,\"e\"f\ng,h\n")
        #expect(records[1].line == 2)
        #expect(records[1].problems == [.strayQuote(line: 2)])
        #expect(records[2].problems == [.strayQuote(line: 3)])
        #expect(records[3].fields == ["g", "h"])
        #expect(records[3].line == 4)
    }

    @Test("records come out the same whatever the chunk size", arguments: [4, 5, 7, 64])
    func chunkBoundaries(chunkSize: Int) throws {
        let text = "h1,h2\r\n\"multi\nline\",x\r\n\r\nplain,\"q,\"\"\"\r\nlast,row"
        let expected = try readAll(text)
        let records = try readAll([0xEF, 0xBB, 0xBF] + Array(text.utf8)) { $0.chunkSize = chunkSize }
        #expect(records == expected)
        #expect(records.map(\.line) == [1, 2, 5, 6])
    }

    /// Found by `scripts/fuzz.sh csv` (minimized: `00 00 22 01 00`, read in 4-byte chunks): the
    /// part of a stray quote's line in the next chunk came out as a record of its own.
    @Test(
        "a stray quote drops the rest of its line even where the line goes on in the next chunk", arguments: [4, 5, 7])
    func strayQuoteAcrossChunks(chunkSize: Int) throws {
        let text = "h1,h2\nab\"cd,ef,gh\"i\nx,y\n"
        let expected = try readAll(text)
        #expect(expected.map(\.problems) == [[], [.strayQuote(line: 2)], []])
        #expect(try readAll(text) { $0.chunkSize = chunkSize } == expected)
        #expect(
            try readAll([0, 0, 0x22, 1, 0]) { $0.chunkSize = chunkSize } == [
                CSVRecord(line: 1, fields: [], problems: [.strayQuote(line: 1)])
            ])
    }

    @Test("a stray quote on a line that straddles the default 64 KiB chunk yields one failed record")
    func strayQuoteAcrossDefaultChunk() throws {
        let filler = String(repeating: "a,b\n", count: (64 * 1024 - 8) / 4)
        let text = "h1,h2\n" + filler + "x\"y,z,w\nlast,row\n"
        let records = try readAll(text)
        let line = 2 + (64 * 1024 - 8) / 4
        #expect(records.count == 3 + (64 * 1024 - 8) / 4)
        #expect(records[records.count - 2].line == line)
        #expect(records[records.count - 2].problems == [.strayQuote(line: line)])
        #expect(records.last == CSVRecord(line: line + 1, fields: ["last", "row"]))
    }

    @Test("a file is read from disk, and a missing one is a readable error")
    func fileSource() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("csvreader-\(UUID()).csv").path
        try "h1\nv\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try CSVReader(path: path)
        #expect(try reader.next()?.fields == ["h1"])
        #expect(try reader.next()?.fields == ["v"])
        #expect(try reader.next() == nil)
        #expect(throws: CSVError.self) { try CSVReader(path: path + ".missing") }
    }
}
