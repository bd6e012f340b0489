/* eas_devices.h — find the local block device of an attached EBS volume,
 * and choose attachment names.
 *
 * On Nitro instances an EBS volume is an NVMe namespace whose serial number
 * is the volume id without its dash ("vol0abc..."): it shows in
 * SYS_BLOCK/NAME/device/serial and as BY_ID/nvme-Amazon_Elastic_Block_Store_
 * vol0abc....  On Xen instances the volume appears under the name it was
 * attached with, /dev/sdX becoming /dev/xvdX.  The three folders come from
 * the configuration (devices.*), so tests can point them at a fixture.
 */
#ifndef EAS_DEVICES_H
#define EAS_DEVICES_H

#include <stddef.h>

#include "eas_config.h"

/* Look for the device of volume_id (attached as attach_name, may be NULL).
 * Returns 1 with the device path in out[n] (e.g. "/dev/nvme2n1"), or 0 when
 * it is not (yet) visible. */
int eas_device_find(const eas_config_t *cfg, const char *volume_id, const char *attach_name, char *out, size_t n);

/* The first attachment name "/dev/xvdba", "/dev/xvdbb", ... "/dev/xvdcz"
 * not in used[0..nused) (compared as given and with sd<->xvd swapped).
 * Returns 0 with out[n] set, or -1 when all 52 are taken. */
int eas_device_next_name(char *const used[], size_t nused, char *out, size_t n);

#endif
