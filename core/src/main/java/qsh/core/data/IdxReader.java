package qsh.core.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import qsh.core.io.FileAccessPolicy;
import qsh.core.exec.Cancelled;
import qsh.core.tensor.Tensor;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format: magic 0x0000 0x08 rank, big-endian dimension sizes,
 * then unsigned bytes), plain or gzip-compressed. Images become float32 pixel/255 in NCHW (N,1,H,W).
 */
public final class IdxReader {
    /** The unsigned-byte element type code of the IDX format. */
    static final int UBYTE = 0x08;
    /** Bytes read between two checks for Ctrl-C (a few ms of gunzip). */
    private static final int PIECE = 1 << 20;

    private IdxReader() {}

    /** Images of an IDX rank-3 file as an (N, 1, H, W) float tensor in [0, 1]; {@code limit} caps N (≤ 0: all). */
    public static Tensor images(Path file, int limit) throws IOException {
        try (InputStream in = openFile(file)) {
            return images(in, file.toString(), limit);
        }
    }

    /**
     * Images of an IDX rank-3 stream (plain or gzip; a class-path resource, say), named {@code name} in errors;
     * the caller closes {@code stream}.
     */
    public static Tensor images(InputStream stream, String name, int limit) throws IOException {
        DataInputStream in = decode(stream);
        int[] dims = header(in, name, 3);
        int n = limit > 0 ? Math.min(limit, dims[0]) : dims[0];
        int per = dims[1] * dims[2];
        byte[] raw = new byte[n * per];
        readFully(in, raw, name);
        float[] d = new float[raw.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (raw[i] & 0xff) / 255f;
        }
        return Tensor.of(new int[] {n, 1, dims[1], dims[2]}, d);
    }

    /** Labels of an IDX rank-1 file; {@code limit} caps the count (≤ 0: all). */
    public static int[] labels(Path file, int limit) throws IOException {
        try (InputStream in = openFile(file)) {
            return labels(in, file.toString(), limit);
        }
    }

    /** Labels of an IDX rank-1 stream named {@code name} in errors; the caller closes {@code stream}. */
    public static int[] labels(InputStream stream, String name, int limit) throws IOException {
        DataInputStream in = decode(stream);
        int[] dims = header(in, name, 1);
        int n = limit > 0 ? Math.min(limit, dims[0]) : dims[0];
        byte[] raw = new byte[n];
        readFully(in, raw, name);
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = raw[i] & 0xff;
        }
        return l;
    }

    private static InputStream openFile(Path file) throws IOException {
        FileAccessPolicy.requireRead(file);
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        }
    }

    private static DataInputStream decode(InputStream stream) throws IOException {
        InputStream in = new BufferedInputStream(stream, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, String file, int rank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": empty or truncated IDX file");
        }
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UBYTE || (magic & 0xff) != rank) {
            throw new IllegalArgumentException(String.format("%s: not an IDX file of unsigned bytes with %d dimension(s) (magic 0x%08x)",
                    file, rank, magic));
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new IllegalArgumentException(file + ": truncated IDX header");
            }
            if (dims[i] <= 0) {
                throw new IllegalArgumentException(file + ": IDX dimension " + i + " is " + dims[i]);
            }
            total *= dims[i];
        }
        if (total > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException(file + ": IDX data of " + total + " values is too large");
        }
        return dims;
    }

    /** Reads all of {@code b} in 1 MiB pieces, stopping with {@link Cancelled} between pieces on Ctrl-C. */
    private static void readFully(DataInputStream in, byte[] b, String file) throws IOException {
        try {
            for (int off = 0; off < b.length; off += PIECE) {
                if (Cancelled.requested()) {
                    throw new Cancelled("reading " + file + " interrupted after " + off + " of " + b.length + " bytes");
                }
                in.readFully(b, off, Math.min(PIECE, b.length - off));
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated IDX data (fewer values than the header announces)");
        }
    }
}
