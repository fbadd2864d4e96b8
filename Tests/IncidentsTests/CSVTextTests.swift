import Incidents
import Testing

struct CSVTextTests {
    func fixed(_ v: Double, _ d: Int) -> String {
        var out: [UInt8] = []
        CSVText.appendFixed(v, decimals: d, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func fixedDecimalsRoundHalfAwayFromZero() {
        #expect(fixed(120.123456751, 7) == "120.1234568")
        #expect(fixed(-73.5, 7) == "-73.5000000")
        #expect(fixed(-0.00000001, 7) == "0.0000000")  // no "-0"
        #expect(fixed(-0.00000005, 7) == "-0.0000001")
        #expect(fixed(30.05, 0) == "30")
        #expect(fixed(179.999999999999, 12) == "179.999999999999")
        #expect(fixed(0.0000001, 7) == "0.0000001")
        #expect(fixed(1e30, 7) == "1e+30")
    }

    @Test func fieldsAreQuotedOnlyWhenTheyMustBe() {
        func field(_ s: String) -> String {
            var out: [UInt8] = []
            CSVText.appendField(s.utf8, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(field("盗窃") == "盗窃")
        #expect(field("a,b") == "\"a,b\"")
        #expect(field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(field("two\nlines") == "\"two\nlines\"")
    }

    @Test func csvFieldsAreQuotedByTheirBytes() {
        #expect(CSVText.field("330402-076-095") == "330402-076-095")
        #expect(CSVText.field("C,with comma") == "\"C,with comma\"")
        #expect(CSVText.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        // One Character but two bytes that both need quoting.
        #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVText.field("网格 7") == "网格 7")
    }
}
