/* gr_multiqc.h — MultiQC custom content: one JSON document (save it as
 * NAME_mqc.json) that adds gsa's headline numbers for the sample to
 * MultiQC's General Statistics table, without a plugin. */
#ifndef GR_MULTIQC_H
#define GR_MULTIQC_H

#include "gr_metrics.h"
#include "jsonw.h"

/* Append the custom-content document for s to w (an empty writer). */
void gr_multiqc_document(gsa_jsonw_t *w, const gr_sample_t *s);

#endif
