/** Id and name patterns shared by every layer (validation of flags, snapshots and templates). */
export const FS_ID_RE = /^fs-[0-9a-f]{8}([0-9a-f]{9})?$/
export const ACCESS_POINT_RE = /^fsap-[0-9a-f]{17}$/
export const REGION_RE = /^[a-z]{2}(-[a-z]+)+-\d$/
