// swift-tools-version:5.7
// The Swift package an iOS app adds (docs/ios.md): the C library as a binary target
// (Doorstep.xcframework, built as docs/ios.md describes; its headers hold doorstep.h and a module
// map of module Doorstep) and the thin Swift wrapper DoorstepKit over it.
import PackageDescription

let package = Package(
    name: "DoorstepKit",
    platforms: [.iOS(.v14)],
    products: [.library(name: "DoorstepKit", targets: ["DoorstepKit"])],
    targets: [
        .binaryTarget(name: "Doorstep", path: "Doorstep.xcframework"),
        .target(name: "DoorstepKit", dependencies: ["Doorstep"], path: "Sources/DoorstepKit"),
    ]
)
