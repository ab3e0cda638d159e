package io.moesim.scenario;

/** Element types of tensors moved over the network or through GEMMs. */
public enum DataType {
    FP32(4), BF16(2), FP16(2), FP8(1);

    private final int bytes;

    DataType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element (FP8 scale factors are accounted for by the operations that carry them). */
    public int bytesPerElement() {
        return bytes;
    }

    /** The id used in scenario files. */
    public String id() {
        return Ids.lower(this);
    }

    /** @throws IllegalArgumentException naming the accepted ids */
    public static DataType fromId(String id) {
        return Ids.parse(DataType.class, "data type", id, DataType::id);
    }
}
