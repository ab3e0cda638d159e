package io.moesim.cost;

/**
 * What the engine needs to move bytes itself (rather than ask for a collective's time): the effective
 * point-to-point rates of one GPU's NVLink port and NIC, per direction, the rate one SM drives in a
 * communication kernel, and the fixed start-up latency of a kernel that talks within a node or across
 * nodes. Effective means already multiplied by the protocol efficiency the cost model uses.
 *
 * @param nvlinkBytesPerNs     NVLink point-to-point, bytes/ns (= GB/s) per GPU and direction
 * @param nicBytesPerNs        NIC point-to-point, bytes/ns per GPU and direction
 * @param commBytesPerNsPerSm  bytes/ns one SM moves through a communication kernel
 * @param intraNodeLatencyNs   start-up latency of a communication kernel within a node
 * @param interNodeLatencyNs   start-up latency of one that crosses nodes
 */
public record FabricRates(double nvlinkBytesPerNs, double nicBytesPerNs, double commBytesPerNsPerSm,
                          long intraNodeLatencyNs, long interNodeLatencyNs) {
    public FabricRates {
        if (!(nvlinkBytesPerNs > 0) || !(nicBytesPerNs > 0) || !(commBytesPerNsPerSm > 0)) {
            throw new IllegalArgumentException("fabric rates must be positive");
        }
        if (intraNodeLatencyNs < 0 || interNodeLatencyNs < 0) {
            throw new IllegalArgumentException("latencies must not be negative");
        }
    }
}
