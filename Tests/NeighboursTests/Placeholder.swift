import Testing
@testable import Neighbours

@Test func neighboursModuleLoads() {
    _ = Neighbours.self
}
