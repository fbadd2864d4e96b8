// Grid: generated square and hexagon grids clipped to boundaries (see Package.swift).
