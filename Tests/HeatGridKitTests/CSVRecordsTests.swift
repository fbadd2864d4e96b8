import Testing
@testable import HeatGridKit

struct CSVRecordsTests {
    func records(_ text: String) -> [(fields: [String], lines: Int, open: Bool)] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var result: [(fields: [String], lines: Int, open: Bool)] = []
            var p = 0
            while p < buffer.count {
                let record = CSVRecords.record(in: buffer, from: p)
                result.append((record.fields.map { String(decoding: buffer[$0], as: UTF8.self) },
                               1 + record.innerLineBreaks, record.unterminatedQuote))
                p = record.end
            }
            return result
        }
    }

    @Test func recordsSplitOnUnquotedCommasAndLineEnds() {
        let r = records("a,\"b,\"\"c\"\"\",d\r\n\"x\ny\",2\n  \"q\" ,3\n\"open,4")
        #expect(r.map(\.fields) == [["a", "\"b,\"\"c\"\"\"", "d"], ["\"x\ny\"", "2"], ["  \"q\" ", "3"], ["\"open,4"]])
        #expect(r.map(\.lines) == [1, 2, 1, 1])
        #expect(r.map(\.open) == [false, false, false, true])
        // A quote inside an unquoted field is a plain character.
        #expect(records("ab\"c,d\n").map(\.fields) == [["ab\"c", "d"]])
    }

    @Test func unquotedAndDecimal() {
        let bytes = Array(" \"12.5\" |\"a\"\"b\"|-1e-3|0x10|nan|".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var fields: [Range<Int>] = []
            var start = 0
            for (i, b) in bytes.enumerated() where b == UInt8(ascii: "|") {
                fields.append(start..<i)
                start = i + 1
            }
            let texts = fields.map { CSVRecords.unquoted(buffer, $0) }
            #expect(texts.map { String(decoding: $0, as: UTF8.self) } == ["12.5", "a\"b", "-1e-3", "0x10", "nan"])
            #expect(texts.map(CSVRecords.decimal) == [12.5, nil, -0.001, nil, nil])
        }
    }

    @Test func fixedDecimals() {
        func fixed(_ v: Double, _ d: Int) -> String {
            var out: [UInt8] = []
            CSVRecords.appendFixed(v, decimals: d, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(fixed(120.12345675, 7) == "120.1234568" || fixed(120.12345675, 7) == "120.1234567")
        #expect(fixed(120.123456751, 7) == "120.1234568")
        #expect(fixed(-73.5, 7) == "-73.5000000")
        #expect(fixed(-0.00000001, 7) == "0.0000000")
        #expect(fixed(30.05, 0) == "30")
        #expect(fixed(179.999999999999, 12) == "179.999999999999")
        #expect(fixed(0.0000001, 7) == "0.0000001")
    }
}
