import LayerCheck

/// A coarser layer (communities, subdistricts, districts) that cell counts roll up into.
public struct ParentLayer: Sendable {
    public var path: String
    /// Property holding each parent's id.
    public var idField: String
    /// Keep only the file's features with this `level` value.
    public var level: String?
    /// Property of each cell naming its parent's id; cells without it (or with no such property at all) are
    /// linked to the parent they overlap most.
    public var parentField: String?

    public init(path: String, idField: String, level: String? = nil, parentField: String? = nil) {
        self.path = path
        self.idField = idField
        self.level = level
        self.parentField = parentField
    }

    /// The parent layer and, for each cell, the index of its parent in it (-1: no parent holds the cell).
    func link(cells: BoundaryLayer, validation: LayerValidation,
              threads: Int) throws -> (parents: BoundaryLayer, parentOf: [Int32]) {
        let parents = try BoundaryLayer.load(path: path, level: level, idField: idField, validation: validation,
                                             threads: threads)
        let keys = parentField.map { field in cells.features.map { $0.properties[field]?.identifierText } }
        do {
            let hierarchy = try LayerHierarchy(levels: [
                LayerLevel(name: "parent", ids: parents.ids, names: parents.names, polygons: parents.polygons),
                LayerLevel(name: "cell", ids: cells.ids, polygons: cells.polygons, parentKeys: keys),
            ], threads: threads)
            return (parents, hierarchy.links[1].map { Int32($0.parent ?? -1) })
        } catch {
            throw HeatGridError("\(path): \(error)")
        }
    }

    /// Per parent, in the parent file's order: its id, name and the sum of its cells' counts; and the count of
    /// incidents in cells that no parent holds (so the totals still add up).
    func rollUp(cells: BoundaryLayer, counts: [Int], validation: LayerValidation,
                threads: Int) throws -> (parents: [(id: String, name: String, count: Int)], unparented: Int) {
        let (parents, parentOf) = try link(cells: cells, validation: validation, threads: threads)
        var rolled = [Int](repeating: 0, count: parents.count)
        var unparented = 0
        for (cell, parent) in parentOf.enumerated() {
            if parent >= 0 { rolled[Int(parent)] += counts[cell] } else { unparented += counts[cell] }
        }
        return (parents.ids.indices.map { (parents.ids[$0], parents.names[$0], rolled[$0]) }, unparented)
    }
}
