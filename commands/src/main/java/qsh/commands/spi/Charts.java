package qsh.commands.spi;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.YIntervalRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import qsh.core.amp.MixedPrecisionSearch;
import qsh.core.io.AtomicFile;
import qsh.core.metrics.ClippingSweep;
import qsh.core.quant.Encoding;
import qsh.core.tensor.Histogram;

/**
 * The teaching pictures as PNG files (JFreeChart, headless): a histogram with its encoding range, grid and
 * clipped mass; per-channel weight ranges before/after equalization; per-layer SQNR bars. Every chart has a
 * title, axis labels and a legend. Files are written whole or not at all (temporary file, then rename).
 */
public final class Charts {
    private static final Color VALUES = new Color(0x4C78A8);
    private static final Color RANGE = new Color(0xD62728);
    private static final Color CLIPPED = new Color(214, 39, 40, 48);
    private static final Color GRID = new Color(120, 120, 120, 90);
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 16);

    private Charts() {}

    /** A histogram of a tensor with the encoding's range, its grid levels (≤ 64 of them) and the clipped mass. */
    public static void histogram(Path png, String title, Histogram h, Encoding e, long below, long above) {
        XYIntervalSeries s = new XYIntervalSeries("values (count per bin)");
        for (int i = 0; i < h.bins(); i++) {
            s.add((h.edge(i) + h.edge(i + 1)) / 2, h.edge(i), h.edge(i + 1), h.count(i), 0, h.count(i));
        }
        XYIntervalSeriesCollection data = new XYIntervalSeriesCollection();
        data.addSeries(s);
        XYBarRenderer r = new XYBarRenderer(0.05);
        r.setSeriesPaint(0, VALUES);
        r.setShadowVisible(false);
        r.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        XYPlot plot = new XYPlot(data, new NumberAxis("value"), new NumberAxis("count"), r);
        plot.setBackgroundPaint(Color.WHITE);
        double half = e.scale() / 2;
        double lo = h.edge(0);
        double hi = h.edge(h.bins());
        if (lo < e.min() - half) {
            plot.addDomainMarker(centered(new IntervalMarker(lo, e.min() - half, CLIPPED), "clipped: " + below));
        }
        if (hi > e.max() + half) {
            plot.addDomainMarker(centered(new IntervalMarker(e.max() + half, hi, CLIPPED), "clipped: " + above));
        }
        if (e.qmax() <= 64) {
            for (long q = 0; q <= e.qmax(); q++) {
                ValueMarker m = new ValueMarker(e.min() + q * e.scale(), GRID, new BasicStroke(1f));
                plot.addDomainMarker(m);
            }
        }
        plot.addDomainMarker(label(new ValueMarker(e.min(), RANGE, new BasicStroke(2f)), "encoding-min"));
        ValueMarker max = label(new ValueMarker(e.max(), RANGE, new BasicStroke(2f)), "encoding-max");
        max.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        max.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addDomainMarker(max);
        LegendItemCollection legend = new LegendItemCollection();
        legend.add(new LegendItem("values (count per bin)", VALUES));
        legend.add(new LegendItem("encoding range [" + fmt(e.min()) + ", " + fmt(e.max()) + "]", RANGE));
        legend.add(new LegendItem(e.qmax() <= 64 ? "grid: " + (e.qmax() + 1) + " levels, step " + fmt(e.scale())
                : (e.qmax() + 1) + " levels (too dense to draw), step " + fmt(e.scale()), GRID));
        legend.add(new LegendItem("clipped: " + below + " below, " + above + " above", new Color(214, 39, 40, 120)));
        plot.setFixedLegendItems(legend);
        write(png, new JFreeChart(title, TITLE, plot, true), 900, 520);
    }

    /** Per-channel [min, max] of a layer's weights, before and after (e.g. CLE), sharing one value axis. */
    public static void channelRanges(Path png, String title, ChannelRanges before, ChannelRanges after) {
        CombinedRangeXYPlot plot = new CombinedRangeXYPlot(new NumberAxis("weight value"));
        plot.add(rangesPlot(before, after == null ? "output channel" : "before", VALUES)); // alone, there is no "after"
        if (after != null) {
            plot.add(rangesPlot(after, "after", RANGE));
        }
        plot.setGap(16);
        write(png, new JFreeChart(title, TITLE, plot, true), after == null ? 700 : 1100, 520);
    }

    private static XYPlot rangesPlot(ChannelRanges cr, String name, Color color) {
        YIntervalSeries s = new YIntervalSeries(name + ": per-channel [min, max] (overall ["
                + fmt(cr.min()) + ", " + fmt(cr.max()) + "])");
        for (int c = 0; c < cr.channels(); c++) {
            s.add(c, (cr.lo()[c] + cr.hi()[c]) / 2.0, cr.lo()[c], cr.hi()[c]);
        }
        YIntervalSeriesCollection d = new YIntervalSeriesCollection();
        d.addSeries(s);
        YIntervalRenderer r = new YIntervalRenderer();
        r.setSeriesPaint(0, color);
        r.setSeriesStroke(0, new BasicStroke(3f));
        NumberAxis x = new NumberAxis("output channel (" + name + ")");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot p = new XYPlot(d, x, null, r);
        p.setBackgroundPaint(Color.WHITE);
        p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        p.addRangeMarker(new ValueMarker(0, Color.GRAY, new BasicStroke(1f)));
        return p;
    }

    /** Horizontal SQNR bars per layer, one series per variant (e.g. quantized, weights only, activations only). */
    public static void sqnrBars(Path png, String title, List<String> layers, List<String> series, double[][] db) {
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        for (int l = 0; l < layers.size(); l++) {
            for (int s = 0; s < series.size(); s++) {
                double v = db[l][s];
                d.addValue(Double.isFinite(v) ? v : null, series.get(s), layers.get(l));
            }
        }
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, VALUES);
        r.setSeriesPaint(1, new Color(0xF58518));
        r.setSeriesPaint(2, new Color(0x54A24B));
        CategoryAxis layerAxis = new CategoryAxis("layer (worst first)");
        layerAxis.setTickLabelFont(new Font("SansSerif", Font.PLAIN, 10));
        CategoryPlot plot = new CategoryPlot(d, layerAxis, new NumberAxis("SQNR (dB, higher is better)"), r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        write(png, new JFreeChart(title, TITLE, plot, true), 1000, Math.max(400, 60 + 28 * layers.size() * series.size() / 2));
    }

    /** SQNR against the clipping factor, with the points tf, percentile and enhanced choose. */
    public static void clippingCurve(Path png, String title, ClippingSweep.Point[] curve,
                                     Map<String, double[]> marks) {
        org.jfree.data.xy.XYSeries s = new org.jfree.data.xy.XYSeries("SQNR of tf on range × f");
        for (var p : curve) {
            if (Double.isFinite(p.sqnrDb())) {
                s.add(p.factor(), p.sqnrDb());
            }
        }
        org.jfree.data.xy.XYSeriesCollection d = new org.jfree.data.xy.XYSeriesCollection(s);
        org.jfree.data.xy.XYSeriesCollection points = new org.jfree.data.xy.XYSeriesCollection();
        marks.forEach((name, v) -> {
            org.jfree.data.xy.XYSeries m = new org.jfree.data.xy.XYSeries(name + String.format(" (f %.3f, %.1f dB)", v[0], v[1]));
            m.add(Math.max(v[0], curve[0].factor()), v[1]);
            points.addSeries(m);
        });
        NumberAxis x = new NumberAxis("clipping range as a fraction f of the true range (tf: f = 1)");
        x.setRange(0, 1.05);
        XYPlot plot = new XYPlot(d, x, new NumberAxis("SQNR (dB, higher is better)"),
                new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, false));
        plot.getRenderer().setSeriesPaint(0, VALUES);
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer pr = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(false, true);
        Color[] colors = {RANGE, new Color(0xF58518), new Color(0x54A24B)};
        for (int i = 0; i < points.getSeriesCount(); i++) {
            pr.setSeriesPaint(i, colors[i % colors.length]);
            pr.setSeriesShape(i, new Ellipse2D.Double(-6, -6, 12, 12));
        }
        plot.setDataset(1, points);
        plot.setRenderer(1, pr);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        write(png, new JFreeChart(title, TITLE, plot, true), 900, 520);
    }

    /** AMP's pareto points (relative BitOps → score) with the target line and the chosen point. */
    public static void pareto(Path png, String title, List<MixedPrecisionSearch.Point> points,
                              MixedPrecisionSearch.Point chosen, double target, String unit) {
        org.jfree.data.xy.XYSeries s = new org.jfree.data.xy.XYSeries("scored points (phase 2)");
        for (var p : points) {
            s.add(p.relativeBitOps(), p.score());
        }
        org.jfree.data.xy.XYSeries c = new org.jfree.data.xy.XYSeries("chosen");
        c.add(chosen.relativeBitOps(), chosen.score());
        org.jfree.data.xy.XYSeriesCollection d = new org.jfree.data.xy.XYSeriesCollection();
        d.addSeries(s);
        d.addSeries(c);
        org.jfree.chart.renderer.xy.XYLineAndShapeRenderer r = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, VALUES);
        r.setSeriesPaint(1, RANGE);
        r.setSeriesLinesVisible(1, false);
        r.setSeriesShape(1, new Ellipse2D.Double(-7, -7, 14, 14));
        NumberAxis y = new NumberAxis("score (" + unit + ")");
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(d, new NumberAxis("BitOps relative to the all-highest model"), y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ValueMarker t = label(new ValueMarker(target, RANGE, new BasicStroke(1.5f)), "allowed drop: " + fmt(target));
        t.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        t.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(t);
        write(png, new JFreeChart(title, TITLE, plot, true), 900, 520);
    }

    private static <M extends org.jfree.chart.plot.Marker> M label(M m, String text) {
        m.setLabel(text);
        m.setLabelFont(new Font("SansSerif", Font.PLAIN, 11));
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return m;
    }

    private static <M extends org.jfree.chart.plot.Marker> M centered(M m, String text) {
        m.setLabel(text);
        m.setLabelFont(new Font("SansSerif", Font.PLAIN, 12));
        m.setLabelAnchor(RectangleAnchor.CENTER);
        m.setLabelTextAnchor(TextAnchor.CENTER);
        return m;
    }

    /** A short, readable layer label: "/features/features.7/body/body.7/Conv_output_0" → "features.7/body.7/Conv". */
    public static String shortLabel(String tensor) {
        String s = tensor.startsWith("/") ? tensor.substring(1) : tensor;
        s = s.replaceAll("([A-Za-z_]+)/\\1\\.", "$1.").replace("_output_0", "");
        return s.length() <= 44 ? s : "…" + s.substring(s.length() - 43);
    }

    private static String fmt(double v) {
        return Format.num(v);
    }

    private static void write(Path png, JFreeChart chart, int w, int h) {
        System.setProperty("java.awt.headless", "true");
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, w, h);
        } catch (IOException | RuntimeException | Error e) {
            throw new CommandException("cannot draw " + png + ": " + e.getMessage());
        }
        AtomicFile.write(png, out.toByteArray());
    }
}
