#include "si_output.h"
#include "alloc.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int si_output_open(si_output_t *o, const char *path, sam_hdr_t *hdr, int level,
		   gsa_index_kind_t index, int min_shift, gsa_pool_t *pool, gsa_err_t *err)
{
	memset(o, 0, sizeof *o);
	o->bam.fd = o->idx.fd = -1;
	o->bam.cleanup_id = o->idx.cleanup_id = -1;
	o->index = index;
	if (gsa_atomic_open(&o->bam, path, err) < 0) return -1;
	if (index != GSA_INDEX_NONE) {
		char *ipath = gsa_strdup_printf("%s.%s", path, index == GSA_INDEX_CSI ? "csi" : "bai");
		int rc = gsa_atomic_open(&o->idx, ipath, err);
		free(ipath);
		if (rc < 0) goto fail;
		close(o->idx.fd); /* htslib writes the index by name */
		o->idx.fd = -1;
	}
	o->w = gsa_bamw_open(o->bam.fd, path, hdr, level, pool, index, min_shift, err);
	if (!o->w) goto fail;
	return 0;
fail:
	si_output_abort(o);
	return -1;
}

int si_output_write(void *ctx, const si_rec_t *r, gsa_err_t *err)
{
	si_output_t *o = ctx;
	return gsa_bamw_put(o->w, r, err);
}

int si_output_close(si_output_t *o, gsa_err_t *err)
{
	int rc = gsa_bamw_finish(o->w, o->index != GSA_INDEX_NONE ? o->idx.tmp : NULL, err);
	o->w = NULL;
	if (rc < 0) goto fail;
	{
		char *final = gsa_xstrdup(o->bam.path);
		if (gsa_atomic_commit(&o->bam, err) < 0) {
			free(final);
			goto fail;
		}
		/* an index that cannot be put in place takes its BAM with it */
		if (o->index != GSA_INDEX_NONE && gsa_atomic_commit(&o->idx, err) < 0) {
			unlink(final);
			free(final);
			goto fail;
		}
		free(final);
	}
	return 0;
fail:
	si_output_abort(o);
	return -1;
}

void si_output_abort(si_output_t *o)
{
	gsa_bamw_free(o->w);
	o->w = NULL;
	gsa_atomic_abort(&o->bam);
	gsa_atomic_abort(&o->idx);
}
