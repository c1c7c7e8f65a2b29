import KonfliktCore

/// A device key that wrote records into the data folder but is not approved yet.
public struct WaitingDevice: Sendable, Hashable {
    /// The key's full fingerprint.
    public var fingerprint: String
    /// Its short form, to be read aloud.
    public var short: String
    /// The device ids it wrote as.
    public var devices: [String]
    /// How many of its records are waiting.
    public var events: Int

    /// A waiting device.
    public init(fingerprint: String, short: String, devices: [String], events: Int) {
        self.fingerprint = fingerprint
        self.short = short
        self.devices = devices
        self.events = events
    }
}

/// The lead approves a waiting device from the review (issue 17): the waiting device keys with their
/// short fingerprints; `j` approves the selected one after the lead compared it with the health
/// visitor's (`konflikt device show` on her computer). Esc goes back.
public final class DeviceApprovalScreen: Screen {
    private let waiting: () throws -> [WaitingDevice]
    private let approve: (String) throws -> Void
    private var devices: [WaitingDevice] = []
    private var selected = 0
    private var message: ScreenMessage?
    /// Whether a device was approved (the review then reads the log again).
    public private(set) var approvedAny = false
    public private(set) var isDone = false

    /// A screen listing `waiting()` and approving with `approve(fingerprint)`.
    public init(waiting: @escaping () throws -> [WaitingDevice], approve: @escaping (String) throws -> Void) {
        self.waiting = waiting
        self.approve = approve
        reload()
    }

    private func reload() {
        do {
            devices = try waiting()
            selected = min(selected, max(0, devices.count - 1))
        } catch let error as UserFacingError {
            message = ScreenMessage("Enhederne kunne ikke læses: " + error.danishDescription, .error)
        } catch {
            message = ScreenMessage("Enhederne kunne ikke læses.", .error)
        }
    }

    /// Handles one key.
    public func handle(_ key: Key) {
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(max(0, devices.count - 1), selected + 1)
        case .character("j"), .character("J"):
            guard devices.indices.contains(selected) else { return }
            let device = devices[selected]
            do {
                try approve(device.fingerprint)
                approvedAny = true
                message = ScreenMessage("Enheden \(device.short) er godkendt; dens \(device.events) hændelser tælles nu med.", .success)
                reload()
            } catch let error as UserFacingError {
                message = ScreenMessage("Enheden er ikke godkendt: " + error.danishDescription, .error)
            } catch {
                message = ScreenMessage("Enheden er ikke godkendt.", .error)
            }
        case .escape, .character("q"), .character("Q"), .ctrl("c"): isDone = true
        default: break
        }
    }

    /// Draws the list.
    public func draw(on terminal: Terminal) {
        var lines: [StyledLine] = [
            ("Enheder, der venter på godkendelse", .bold), ("", .normal),
            ("Bed sundhedsplejersken læse sin computers nøgle op (konflikt device show),", .normal),
            ("og godkend kun, hvis den er den samme som her.", .normal), ("", .normal),
        ]
        if devices.isEmpty { lines.append(("Ingen enheder venter.", .dim)) }
        for (index, device) in devices.enumerated() {
            let text = "\(device.short)   \(device.devices.joined(separator: ", "))   \(device.events) hændelser"
            lines.append(((index == selected ? "> " : "  ") + text, index == selected ? .bold : .normal))
        }
        Frame.draw(on: terminal, title: "Gennemgang – godkend enheder",
                   footer: "↑↓ vælg  j godkend (efter sammenligning)  Esc tilbage", message: message) { frame in
            frame.scrolled(lines, scroll: 0, from: frame.top, column: 2)
            return nil
        }
    }
}
