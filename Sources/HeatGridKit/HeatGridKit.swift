// HeatGridKit: see Package.swift for this module's role.
