#include "cv_genotype.h"

#include <math.h>

void cv_gl_add_read(double *gl, int nall, const double *p)
{
	for (int b = 0; b < nall; b++)
		for (int a = 0; a <= b; a++) {
			double s = 0.5 * (p[a] + p[b]);
			gl[b * (b + 1) / 2 + a] += log10(s > 1e-300 ? s : 1e-300);
		}
}

void cv_gt_prior_log10(double *prior, int nall, double theta)
{
	double rest = 1.0;
	for (int b = 1; b < nall; b++)
		for (int a = 0; a <= b; a++) {
			double p = a == 0 ? theta : a == b ? theta / 2 : theta / 100;
			prior[cv_gt_index(a, b)] = log10(p);
			rest -= p;
		}
	prior[0] = log10(rest > 0.5 ? rest : 0.5);
}

void cv_gt_call(const double *gl, const double *prior, int nall, cv_gt_call_t *out)
{
	int ng = cv_gt_count(nall), best = 0;
	double post[CV_GL_STRIDE] = { 0 }, mx = -INFINITY, sum = 0;
	for (int g = 0; g < ng; g++) {
		post[g] = gl[g] + prior[g];
		if (post[g] > mx) { mx = post[g]; best = g; }
	}
	for (int g = 0; g < ng; g++) sum += pow(10.0, post[g] - mx);
	double lsum = mx + log10(sum);
	out->log10_p_homref = post[0] - lsum;
	/* 1 - P(best) as the sum of the others, to keep precision */
	double other = 0;
	for (int g = 0; g < ng; g++)
		if (g != best) other += pow(10.0, post[g] - lsum);
	double gq = other > 0 ? -10.0 * log10(other) : 99.0;
	out->gq = gq > 99.0 ? 99 : (int)(gq + 0.5);
	for (int b = 0; b < nall; b++)
		for (int a = 0; a <= b; a++)
			if (b * (b + 1) / 2 + a == best) { out->a = a; out->b = b; }
}

void cv_gt_pl(const double *gl, const int *keep, int nkeep, int *pl)
{
	double mx = -INFINITY;
	for (int b = 0; b < nkeep; b++)
		for (int a = 0; a <= b; a++) {
			double v = gl[cv_gt_index(keep[a], keep[b])];
			if (v > mx) mx = v;
		}
	for (int b = 0; b < nkeep; b++)
		for (int a = 0; a <= b; a++) {
			double v = -10.0 * (gl[cv_gt_index(keep[a], keep[b])] - mx);
			pl[b * (b + 1) / 2 + a] = v > 99999 ? 99999 : (int)(v + 0.5);
		}
}

void cv_gt_call_ploidy(const double *gl, const double *prior, int nall, int ploidy, double theta,
		       cv_gt_call_t *out)
{
	if (ploidy == 2) { cv_gt_call(gl, prior, nall, out); return; }
	out->a = out->b = -1;
	out->gq = 0;
	out->log10_p_homref = 0;
	if (ploidy != 1) return;
	double post[CV_MAX_ALLELES + 1] = { 0 }, mx = -INFINITY, sum = 0, rest = 1.0 - theta * (nall - 1);
	int best = 0;
	for (int a = 0; a < nall; a++) {
		post[a] = gl[cv_gt_index(a, a)] + log10(a == 0 ? (rest > 0.5 ? rest : 0.5) : theta);
		if (post[a] > mx) { mx = post[a]; best = a; }
	}
	for (int a = 0; a < nall; a++) sum += pow(10.0, post[a] - mx);
	double lsum = mx + log10(sum), other = 0;
	out->log10_p_homref = post[0] - lsum;
	for (int a = 0; a < nall; a++)
		if (a != best) other += pow(10.0, post[a] - lsum);
	double gq = other > 0 ? -10.0 * log10(other) : 99.0;
	out->gq = gq > 99.0 ? 99 : (int)(gq + 0.5);
	out->a = out->b = best;
}

void cv_gt_pl_haploid(const double *gl, const int *keep, int nkeep, int *pl)
{
	double mx = -INFINITY;
	for (int a = 0; a < nkeep; a++)
		if (gl[cv_gt_index(keep[a], keep[a])] > mx) mx = gl[cv_gt_index(keep[a], keep[a])];
	for (int a = 0; a < nkeep; a++) {
		double v = -10.0 * (gl[cv_gt_index(keep[a], keep[a])] - mx);
		pl[a] = v > 99999 ? 99999 : (int)(v + 0.5);
	}
}
