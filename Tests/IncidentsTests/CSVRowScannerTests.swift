import Testing
@testable import Incidents

@Suite("CSV row scanner")
struct CSVRowScannerTests {
    /// Every row as (line, blank, fields as raw text, problem).
    func scan(_ text: String) -> [(line: Int, blank: Bool, raw: [String], problem: CSVRowProblem?)] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            var rows = CSVRowScanner(buffer)
            var result: [(line: Int, blank: Bool, raw: [String], problem: CSVRowProblem?)] = []
            while let row = rows.next() {
                let raw = (0..<row.fieldCount).map { String(decoding: buffer[rows.field($0).raw], as: UTF8.self) }
                result.append((row.line, row.isBlank, raw, row.problem))
            }
            return result
        }
    }

    @Test func rowsAndRawFieldsAsTheReaderSplitsThem() {
        let rows = scan("a,\"b,\"\"c\"\"\" ,d\r\n\r\n\"x\ny\",2\n  \"q\",3\nab\"c,\"open,4")
        #expect(rows.map(\.raw) == [["a", "\"b,\"\"c\"\"\" ", "d"], [], ["\"x\ny\"", "2"], ["  \"q\"", "3"],
                                    ["ab\"c", "\"open,4"]])
        #expect(rows.map(\.line) == [1, 2, 3, 5, 6])
        #expect(rows.map(\.blank) == [false, true, false, false, false])
        #expect(rows.map(\.problem) == [nil, nil, nil, nil, .unterminatedQuote])
        #expect(scan("1,\"a\"b,3\n").first?.problem == .textAfterClosingQuote(field: 2))
    }

    @Test func rowPositionsLineEndingsAndFieldText() throws {
        let bytes = Array("lon,lat\r\n \"120.5\" , 30.25 \r\n\"a\"\"b\",x\n  \n".utf8)
        try bytes.withUnsafeBufferPointer { buffer in
            var rows = CSVRowScanner(buffer)
            let next0 = rows.next()
            let header = try #require(next0)
            #expect(header.start == 0 && header.contentEnd == 7 && header.end == 9 && header.fieldCount == 2)
            let next1 = rows.next()
            let first = try #require(next1)
            #expect(String(decoding: buffer[first.start..<first.contentEnd], as: UTF8.self) == " \"120.5\" , 30.25 ")
            #expect(first.end == first.contentEnd + 2)
            #expect(rows.field(0).content == 9..<18 && rows.field(0).raw == 9..<18 && !rows.field(0).hasDoubledQuotes)
            #expect(rows.number(inField: 0) == nil)  // a quote after a blank does not open a quoted field
            #expect(rows.number(inField: 1) == 30.25)
            #expect(rows.text(ofField: 1) == Array("30.25".utf8))
            let next2 = rows.next()
            _ = try #require(next2)
            #expect(rows.field(0).hasDoubledQuotes)
            #expect(rows.text(ofField: 0) == Array("a\"b".utf8))
            #expect(rows.number(inField: 0) == nil && rows.number(inField: 1) == nil)
            let next3 = rows.next()
            let blank = try #require(next3)
            #expect(blank.isBlank && blank.line == 4 && blank.end == buffer.count)
            let next4 = rows.next()
            #expect(next4 == nil)
        }
    }

    @Test func numbersFollowTheReader() {
        let bytes = Array("1e3,-0.5,nan,inf,1e400,0x10,,.5\n".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var rows = CSVRowScanner(buffer)
            _ = rows.next()
            #expect((0..<8).map { rows.number(inField: $0) } == [1000, -0.5, nil, nil, nil, nil, nil, 0.5])
        }
    }

    @Test func rowsWithManyFields() {
        let row = (0..<40).map(String.init).joined(separator: ",")
        let rows = scan(row + "\n" + row)
        #expect(rows.count == 2)
        #expect(rows.allSatisfy { $0.raw == (0..<40).map(String.init) })
    }
}
