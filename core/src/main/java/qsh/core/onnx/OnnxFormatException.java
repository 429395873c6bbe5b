package qsh.core.onnx;

/** A model file that cannot be read or is inconsistent; the message names the file and what is wrong. */
public class OnnxFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public OnnxFormatException(String message) {
        super(message);
    }

    public OnnxFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
