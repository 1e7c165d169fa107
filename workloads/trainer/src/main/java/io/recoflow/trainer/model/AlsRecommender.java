package io.recoflow.trainer.model;

import io.recoflow.trainer.data.SparseMatrix;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Implicit-feedback ALS (Hu, Koren, Volinsky 2008): preference p = [r > 0], confidence c = 1 + alpha * r, where r is
 * the purchase count. Each half-step solves (YᵀY + λ'I + Σ (c−1) y yᵀ) x = Σ c y for every row in parallel, either by
 * a few warm-started conjugate-gradient steps (Takács et al. 2011; never forms the matrix) or exactly by Cholesky
 * (EJML). λ' = λ, or λ · (number of items of the row) with {@code scaleLambda} (Spark MLlib's convention).
 */
public final class AlsRecommender implements Recommender {
    private static final Logger LOG = LoggerFactory.getLogger(AlsRecommender.class);

    public enum Solver { CG, CHOLESKY }

    private final int factors;
    private final double lambda;
    private final double alpha;
    private final int iterations;
    private final Solver solver;
    private final int cgSteps;
    private final boolean scaleLambda;
    private final long seed;
    private final int threads;

    private int nItems;
    private double[] x;
    private double[] y;
    private double[] gram;
    private float[] popularity;
    private final ThreadLocal<Work> work = ThreadLocal.withInitial(this::newWork);

    public AlsRecommender(int factors, double lambda, double alpha, int iterations, Solver solver, int cgSteps,
            boolean scaleLambda, long seed, int threads) {
        if (factors < 1 || !(lambda >= 0) || !(alpha >= 0) || iterations < 1 || cgSteps < 1 || threads < 1) {
            throw new IllegalArgumentException("factors, iterations, cgSteps, threads must be >= 1; lambda, alpha >= 0");
        }
        this.factors = factors;
        this.lambda = lambda;
        this.alpha = alpha;
        this.iterations = iterations;
        this.solver = solver;
        this.cgSteps = cgSteps;
        this.scaleLambda = scaleLambda;
        this.seed = seed;
        this.threads = threads;
    }

    @Override
    public String type() {
        return "als";
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("factors", factors);
        p.put("lambda", lambda);
        p.put("alpha", alpha);
        p.put("iterations", iterations);
        p.put("solver", solver.name().toLowerCase());
        p.put("cgSteps", cgSteps);
        p.put("scaleLambda", scaleLambda);
        p.put("seed", seed);
        p.put("threads", threads);
        return p;
    }

    @Override
    public void fit(SparseMatrix userItem) {
        nItems = userItem.cols();
        popularity = Popularity.of(userItem);
        SparseMatrix itemUser = userItem.transpose();
        Random rnd = new Random(seed);
        x = new double[userItem.rows() * factors];
        y = new double[nItems * factors];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() * 0.01;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextGaussian() * 0.01;
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            for (int it = 0; it < iterations; it++) {
                long t = System.nanoTime();
                halfStep(pool, userItem, y, x);
                halfStep(pool, itemUser, x, y);
                LOG.debug("als iteration {} in {} ms", it + 1, (System.nanoTime() - t) / 1_000_000);
            }
        } finally {
            pool.shutdown();
        }
        gram = gram(y, nItems);
    }

    /** Solves every row of {@code target} with {@code fixed} held constant. */
    private void halfStep(ForkJoinPool pool, SparseMatrix m, double[] fixed, double[] target) {
        double[] g = gram(fixed, m.cols());
        try {
            pool.submit(() -> IntStream.range(0, m.rows()).parallel().forEach(r -> {
                int s = m.rowStart(r);
                int e = m.rowEnd(r);
                int[] idx = new int[e - s];
                float[] val = new float[e - s];
                for (int k = s; k < e; k++) {
                    idx[k - s] = m.col(k);
                    val[k - s] = m.value(k);
                }
                if (solver == Solver.CG) {
                    cg(g, fixed, idx, val, target, r * factors);
                } else {
                    exact(g, fixed, idx, val, target, r * factors);
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ALS step failed", e.getCause());
        }
    }

    private double reg(int n) {
        return scaleLambda ? lambda * Math.max(n, 1) : lambda;
    }

    /** Conjugate gradient on the normal equations, warm-started from the current row (never forms the matrix). */
    private void cg(double[] g, double[] fy, int[] idx, float[] val, double[] out, int off) {
        int f = factors;
        Work w = work.get();
        double[] r = w.r;
        double[] p = w.p;
        double[] ap = w.ap;
        double lam = reg(idx.length);
        // r = b - A x
        for (int a = 0; a < f; a++) {
            double s = 0;
            for (int b = 0; b < f; b++) {
                s += g[a * f + b] * out[off + b];
            }
            r[a] = -s - lam * out[off + a];
        }
        for (int k = 0; k < idx.length; k++) {
            int yo = idx[k] * f;
            double c = 1 + alpha * val[k];
            double dot = 0;
            for (int a = 0; a < f; a++) {
                dot += fy[yo + a] * out[off + a];
            }
            double coef = c - (c - 1) * dot;
            for (int a = 0; a < f; a++) {
                r[a] += coef * fy[yo + a];
            }
        }
        System.arraycopy(r, 0, p, 0, f);
        double rs = dot(r, r, f);
        for (int step = 0; step < cgSteps && rs > 1e-20; step++) {
            for (int a = 0; a < f; a++) {
                double s = 0;
                for (int b = 0; b < f; b++) {
                    s += g[a * f + b] * p[b];
                }
                ap[a] = s + lam * p[a];
            }
            for (int k = 0; k < idx.length; k++) {
                int yo = idx[k] * f;
                double c1 = alpha * val[k];
                double dot = 0;
                for (int a = 0; a < f; a++) {
                    dot += fy[yo + a] * p[a];
                }
                dot *= c1;
                for (int a = 0; a < f; a++) {
                    ap[a] += dot * fy[yo + a];
                }
            }
            double step1 = rs / dot(p, ap, f);
            for (int a = 0; a < f; a++) {
                out[off + a] += step1 * p[a];
                r[a] -= step1 * ap[a];
            }
            double rsNew = dot(r, r, f);
            double beta = rsNew / rs;
            for (int a = 0; a < f; a++) {
                p[a] = r[a] + beta * p[a];
            }
            rs = rsNew;
        }
    }

    /** Exact solve by Cholesky; also the fold-in used for scoring. */
    private void exact(double[] g, double[] fy, int[] idx, float[] val, double[] out, int off) {
        int f = factors;
        Work w = work.get();
        double[] a = w.a.data;
        System.arraycopy(g, 0, a, 0, f * f);
        double lam = reg(idx.length);
        for (int i = 0; i < f; i++) {
            a[i * f + i] += lam;
        }
        double[] b = w.b.data;
        Arrays.fill(b, 0);
        for (int k = 0; k < idx.length; k++) {
            int yo = idx[k] * f;
            double c = 1 + alpha * val[k];
            double c1 = c - 1;
            for (int i = 0; i < f; i++) {
                double yi = fy[yo + i];
                b[i] += c * yi;
                double s = c1 * yi;
                if (s != 0) {
                    for (int j = 0; j < f; j++) {
                        a[i * f + j] += s * fy[yo + j];
                    }
                }
            }
        }
        if (!w.solver.setA(w.a)) {
            throw new ArithmeticException("ALS normal equations not positive definite (lambda too small?)");
        }
        w.solver.solve(w.b, w.x);
        System.arraycopy(w.x.data, 0, out, off, f);
    }

    @Override
    public int items() {
        return nItems;
    }

    @Override
    public void score(int[] items, float[] counts, float[] out) {
        if (items.length == 0) {
            System.arraycopy(popularity, 0, out, 0, nItems);
            return;
        }
        double[] u = new double[factors];
        exact(gram, y, items, counts, u, 0);
        for (int j = 0; j < nItems; j++) {
            double s = 0;
            int yo = j * factors;
            for (int a = 0; a < factors; a++) {
                s += y[yo + a] * u[a];
            }
            out[j] = (float) s;
        }
    }

    /**
     * A scorer from item factors trained elsewhere (e.g. Spark MLlib), so that both are scored by the same fold-in.
     *
     * @param y items x factors, row-major
     */
    public static AlsRecommender ofItemFactors(double[] y, int items, int factors, double lambda, double alpha,
            boolean scaleLambda, float[] popularity) {
        AlsRecommender r = new AlsRecommender(factors, lambda, alpha, 1, Solver.CHOLESKY, 1, scaleLambda, 0, 1);
        r.nItems = items;
        r.y = y.clone();
        r.gram = r.gram(r.y, items);
        r.popularity = popularity.clone();
        return r;
    }

    /** Trained user factors, row-major users x factors (for tests and diagnostics). */
    public double[] userFactors() {
        return x.clone();
    }

    @Override
    public ModelExport export() {
        return new ModelExport.Factors(nItems, factors, y.clone(), gram.clone(), lambda, scaleLambda, alpha,
                popularity.clone());
    }

    private double[] gram(double[] m, int rows) {
        int f = factors;
        double[] g = new double[f * f];
        for (int r = 0; r < rows; r++) {
            int o = r * f;
            for (int a = 0; a < f; a++) {
                double v = m[o + a];
                if (v == 0) {
                    continue;
                }
                for (int b = a; b < f; b++) {
                    g[a * f + b] += v * m[o + b];
                }
            }
        }
        for (int a = 0; a < f; a++) {
            for (int b = 0; b < a; b++) {
                g[a * f + b] = g[b * f + a];
            }
        }
        return g;
    }

    private static double dot(double[] a, double[] b, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private Work newWork() {
        return new Work(factors);
    }

    /** Per-thread scratch space. */
    private static final class Work {
        final double[] r;
        final double[] p;
        final double[] ap;
        final DMatrixRMaj a;
        final DMatrixRMaj b;
        final DMatrixRMaj x;
        final LinearSolverDense<DMatrixRMaj> solver;

        Work(int f) {
            r = new double[f];
            p = new double[f];
            ap = new double[f];
            a = new DMatrixRMaj(f, f);
            b = new DMatrixRMaj(f, 1);
            x = new DMatrixRMaj(f, 1);
            solver = LinearSolverFactory_DDRM.symmPosDef(f);
        }
    }
}
