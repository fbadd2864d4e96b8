import Foundation
import Testing
import TestSupport
@testable import Aggregate

@Suite("Category tables")
struct CategoryTableTests {
    @Test func theShippedFileIsTheDefault() throws {
        let shipped = try String(contentsOfFile: Fixtures.geodata("categories.csv"), encoding: .utf8)
        #expect(shipped.trimmingCharacters(in: .newlines) == CategoryTable.standardCSV)
        let table = CategoryTable.standard
        #expect(table.categories.map(\.code) == ["theft", "burglary", "fraud", "assault", "dispute", "fire", "traffic",
                                                 "service", "other"])
    }

    @Test func rawStringsCodesAndNamesMatchTrimmedAndCaseInsensitively() {
        let table = CategoryTable.standard
        for (raw, code) in [("盗窃", "theft"), (" Theft ", "theft"), ("入室盗窃", "burglary"), ("电信网络诈骗", "fraud"),
                            ("Telecom fraud", "fraud"), ("纠纷", "dispute"), ("FIRE", "fire"), ("非警务求助", "service"),
                            ("其它", "other")] {
            #expect(table.index(of: raw).map { table.categories[$0].code } == code, "\(raw)")
        }
        let (mapped, unknown) = table.mapping(of: ["theft", "抢劫", "", "fraud", "抢劫案"])
        #expect(mapped.map { table.categories[Int($0)].code } == ["theft", "other", "other", "fraud", "other"])
        #expect(unknown == ["抢劫", "抢劫案"])
    }

    func table(_ text: String) throws(CategoryTableError) -> CategoryTable {
        try CategoryTable(csv: Array(text.utf8), name: "cats.csv")
    }

    @Test func aUsersTableGainsOther() throws {
        let t = try table("raw,code,name_zh,name_en,harm\n扒窃,pickpocket,扒窃,Pickpocketing,3\n")
        #expect(t.categories.map(\.code) == ["pickpocket", "other"])
        #expect(t.index(of: "Pickpocketing") == 0)
        #expect(t.index(of: "anything") == nil)
        #expect(t.otherIndex == 1)
    }

    @Test func badFilesSayWhereAndWhat() {
        #expect(throws: CategoryTableError.self) { try table("raw,code,harm\n") }
        do {
            _ = try table("raw,code,name_zh,name_en,harm\na,x,甲,A,1\nb,x,甲,A,2\n")
            Issue.record("inconsistent harm accepted")
        } catch {
            #expect(error.description == "cats.csv:3: code 'x' has other names or harm than on its first row")
        }
        do {
            _ = try table("raw,code,name_zh,name_en,harm\na,x,甲,A,1\na,y,乙,B,1\n")
            Issue.record("a raw string mapping to two codes accepted")
        } catch {
            #expect(error.description == "cats.csv:3: raw 'a' maps to both 'x' and 'y'")
        }
        do {
            _ = try table("raw,code,name_zh,name_en,harm\na,x,甲,A,-1\n")
            Issue.record("negative harm accepted")
        } catch {
            #expect(error.line == 2)
        }
    }
}
