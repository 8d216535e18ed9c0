import { type DocumentedError, row } from './documented-error.js'
import type { EndpointName } from './endpoints.js'

// The Errors table of each endpoint's reference page (Data Sources and Virtual Connections methods; the upload rows
// are those the Hyper Update spec confirms), one row per documented Tableau code, with the kind it is. An endpoint
// whose page documents no errors has an empty list. Rows a page gets wrong are noted where they are.

const SITE = row('404000', 404, 'SITE_NOT_FOUND', 'the site in the URI does not exist')
// Add Tags (both pages) print 404 for 405000; every other page, and servers, answer 405.
const METHOD = row('405000', 405, 'METHOD_NOT_ALLOWED', 'wrong HTTP method')
const BAD_REQUEST = row('400000', 400, 'REQUEST_INVALID', 'the body is missing, incomplete or malformed')
const BAD_PARAMETER = row('400008', 400, 'REQUEST_INVALID', 'a parameter is missing or invalid')
const TOKEN = row('401002', 401, 'AUTH_FAILED', 'the token is invalid or expired')
const PAGING = [
  row('400006', 400, 'PAGE_INVALID', 'the page number is not an integer, below one, or past the last page'),
  row('400007', 400, 'PAGE_INVALID', 'the page size is not an integer, or below one'),
  row('403014', 403, 'PAGE_INVALID', 'the page size is over the maximum'),
]
const DS = row('404004', 404, 'DATASOURCE_NOT_FOUND', 'no data source with the id in the URI')
const VC = (code: string, status = 404) =>
  row(code, status, 'VIRTUAL_CONNECTION_NOT_FOUND', 'no virtual connection with the id in the URI')
const denied = (code: string, meaning = 'the user lacks the permission') => row(code, 403, 'PERMISSION_DENIED', meaning)
const HISTORY = row('403053', 403, 'VERSION_HISTORY_DISABLED', 'the site keeps no revisions')
const REVISION = row('404024', 404, 'REVISION_NOT_FOUND', 'no revision with that number')
const NAME_TAKEN = row('409015', 409, 'NAME_CONFLICT', 'the name is taken in the project (case-insensitively)')
const failed = (code: string, status = 400) => row(code, status, 'OPERATION_FAILED', 'an unknown error occurred')

/** Update Data in Hyper Data Source / Connection (one table for both). */
const UPDATE_DATA = [
  BAD_REQUEST,
  BAD_PARAMETER,
  row('403062', 403, 'CONNECTION_REQUIRED', 'several connections: name one (…/connections/{id}/data)'),
  denied('403032', 'no Write permission'),
  SITE,
  DS,
  row('404008', 404, 'OPERATION_UNSUPPORTED', "the connection's data is not a Hyper file"),
  row('404020', 404, 'CONNECTION_NOT_FOUND', 'no connection with that id in the data source'),
  METHOD,
  NAME_TAKEN,
  row('409094', 409, 'DATASOURCE_BUSY', 'an update job for the data source is queued or running'),
]

/** Add / Delete Virtual Connection Permission(s). */
const VC_PERMISSIONS = [
  row('400009', 400, 'CAPABILITY_INVALID', 'not a capability of a virtual connection'),
  denied('403004', 'the user cannot change permissions'),
  SITE,
  row('404002', 404, 'USER_NOT_FOUND', 'no such user'),
  row('404012', 404, 'GROUP_NOT_FOUND', 'no such group'),
  row('404013', 404, 'CAPABILITY_NOT_ASSIGNED', 'the capability is not granted to that grantee with that mode'),
  row('404014', 404, 'CAPABILITY_NOT_FOUND', 'no such capability, or a mode other than Allow or Deny'),
  METHOD,
  VC('409004', 400), // the page prints status 400 for this 409 code
]

/** Per endpoint, the Tableau codes its reference page documents. */
export const DOCUMENTED_ERRORS = {
  serverInfo: [],
  signIn: [],
  signOut: [],

  queryDatasources: [...PAGING, SITE, METHOD],
  publishDatasource: [
    BAD_REQUEST,
    BAD_PARAMETER,
    row('400010', 400, 'PUBLISH_FILE_INVALID', 'file name or type refused, or an attachment and an upload session'),
    row('400011', 400, 'OPERATION_FAILED', 'the publish failed for another reason'),
    row('400019', 400, 'REQUEST_INVALID', 'the request message is malformed'),
    row('400055', 400, 'PUBLISH_MODE_INVALID', 'overwrite and append both true'),
    row('400129', 400, 'ASK_DATA_INVALID', 'the Ask Data enablement is not valid here'),
    row('403007', 403, 'NAME_CONFLICT', 'Overwrite forbidden: the name exists and overwrite is not true', [
      'overwrite',
      'already exists',
    ]),
    denied('403007', 'no permission to publish, unlicensed, or the data source cannot be connected to'),
    row('403008', 403, 'STORAGE_QUOTA_EXCEEDED', 'not enough storage left'),
    SITE,
    row('404004', 404, 'DATASOURCE_NOT_FOUND', 'append: no data source with that name'),
    row('404005', 404, 'PROJECT_NOT_FOUND', 'no project with the id in the body'),
    row('404015', 404, 'UPLOAD_SESSION_NOT_FOUND', 'no upload session with the id given'),
    METHOD,
  ],
  queryDatasource: [denied('403004'), SITE, DS, METHOD],
  updateDatasource: [
    BAD_REQUEST,
    row('400008', 400, 'REQUEST_INVALID', 'a name of only spaces, or longer than 255 characters'),
    row('400129', 400, 'ASK_DATA_INVALID', 'the Ask Data enablement does not fit the site'),
    denied('403027', 'a non-administrator cannot change the owner'),
    denied('403030', 'no Write permission on the project'),
    denied('403032', 'no Write permission'),
    denied('403141'),
    SITE,
    row('404002', 404, 'USER_NOT_FOUND', 'the owner id is no user'),
    DS,
    row('404005', 404, 'PROJECT_NOT_FOUND', 'no project with the id in the body'),
    METHOD,
    NAME_TAKEN,
  ],
  deleteDatasource: [denied('403004'), SITE, DS, METHOD],
  queryConnections: [
    denied('403021'),
    SITE,
    row('404011', 404, 'DATASOURCE_NOT_FOUND', 'no data source with the id in the URI'),
    METHOD,
  ],
  updateConnection: [
    BAD_REQUEST,
    denied('403023', 'no Write permission'),
    denied('403027', 'no Write permission'),
    row('403062', 403, 'CONNECTION_REQUIRED', 'several connections: the URI must name one'),
    SITE,
    DS,
    // Not in this method's table; the page gives it for the connection's /data, and servers answer it here too.
    row('404020', 404, 'CONNECTION_NOT_FOUND', 'no connection with that id in the data source'),
    METHOD,
  ],
  updateData: UPDATE_DATA,
  updateConnectionData: UPDATE_DATA,
  refreshDatasource: [
    BAD_REQUEST,
    row('401000', 401, 'AUTH_FAILED', 'the token is invalid or expired'),
    denied('403032'),
    SITE,
    DS,
    METHOD,
    row('409093', 409, 'REFRESH_ALREADY_QUEUED', 'a refresh of the data source is already queued'),
  ],
  downloadDatasource: [denied('403028', 'no Read permission'), SITE, DS, METHOD],
  addTags: [
    BAD_REQUEST,
    row('400075', 400, 'TAG_INVALID', 'adding the tags failed'),
    denied('403004'),
    SITE,
    DS,
    row('404009', 404, 'ID_MISMATCH', 'the body names another data source than the URI'),
    METHOD,
  ],
  deleteTag: [
    row('400077', 400, 'TAG_INVALID', 'deleting the tag failed'),
    denied('403004'),
    SITE,
    DS,
    row('404007', 404, 'TAG_NOT_FOUND', 'the data source has no such tag'),
    METHOD,
  ],
  // The page prints "404 Data source not found" without a code here; 404004 is the one every other method gives.
  listRevisions: [...PAGING, HISTORY, denied('403054'), SITE, DS, METHOD],
  downloadRevision: [denied('403028'), HISTORY, SITE, DS, REVISION, METHOD],
  removeRevision: [
    denied('403004'),
    HISTORY,
    row('403055', 403, 'REVISION_IS_CURRENT', 'the current revision cannot be removed'),
    SITE,
    row('404006', 404, 'DATASOURCE_NOT_FOUND', 'no data source with the id in the URI'),
    REVISION,
    METHOD,
  ],
  retrieveKeychain: [BAD_REQUEST, TOKEN, denied('403054'), SITE, DS, METHOD],
  applyKeychain: [BAD_REQUEST, TOKEN, denied('403054'), SITE, DS, METHOD],

  initiateUpload: [],
  appendUpload: [BAD_REQUEST, row('404015', 404, 'UPLOAD_SESSION_NOT_FOUND', 'no upload session with that id')],

  // Query Jobs (Jobs, Tasks and Schedules page): the paging rows every list method has, the site, the method.
  queryJobs: [...PAGING, SITE, METHOD],
  queryJob: [],
  cancelJob: [],

  queryUsers: [],
  queryGroups: [],
  queryProjects: [],

  listVirtualConnections: [BAD_REQUEST, ...PAGING, BAD_PARAMETER, SITE, METHOD],
  publishVirtualConnection: [failed('400201'), denied('403175')],
  downloadVirtualConnection: [failed('400200'), denied('403174'), VC('404049')],
  updateVirtualConnection: [
    failed('400203'),
    denied('403004'),
    denied('403176', "the user cannot change the virtual connection's owner"),
    denied('403177', 'the user cannot move assets into the target project'),
    denied('403178', 'the user cannot move the virtual connection'),
    VC('404049'),
    row('409124', 409, 'NAME_CONFLICT', 'the name is taken in the project'),
  ],
  deleteVirtualConnection: [denied('403004'), VC('404049'), failed('409122', 409)],
  listVirtualConnectionRevisions: [failed('400058'), denied('403054'), denied('403173'), HISTORY, VC('404049')],
  // 400200 here is also "the revision asked for is the active virtual connection".
  downloadVirtualConnectionRevision: [failed('400200'), denied('403174'), VC('404049')],
  listVirtualConnectionConnections: [...PAGING, TOKEN, SITE, METHOD],
  updateVirtualConnectionConnection: [BAD_REQUEST, TOKEN, denied('403004'), SITE, METHOD],
  addVirtualConnectionTags: [
    BAD_REQUEST,
    row('400049', 400, 'TAG_INVALID', 'adding the tags failed'),
    denied('403004'),
    SITE,
    VC('404006'),
    METHOD,
  ],
  deleteVirtualConnectionTag: [
    row('400077', 400, 'TAG_INVALID', 'deleting the tag failed'),
    denied('403004'),
    SITE,
    VC('404004'),
    row('404007', 404, 'TAG_NOT_FOUND', 'the virtual connection has no such tag'),
    METHOD,
  ],
  addVirtualConnectionPermissions: [BAD_REQUEST, ...VC_PERMISSIONS],
  listVirtualConnectionPermissions: [SITE, VC('404004'), METHOD],
  deleteVirtualConnectionPermission: VC_PERMISSIONS,

  readMetadata: [],
  queryDatasourceData: [],
} as const satisfies Record<EndpointName, readonly DocumentedError[]>
